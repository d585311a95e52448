namespace Bot.Tests.Support;

/// <summary>A check run the fake reports for a commit; a re-run is a second one with the same name and a later start.</summary>
public sealed record FakeCheckRun(string Name, string Status, string? Conclusion = null, DateTimeOffset? StartedAt = null, string? HtmlUrl = null)
{
    public static FakeCheckRun Done(string name, string conclusion, DateTimeOffset? startedAt = null) => new(name, "completed", conclusion, startedAt);
}

/// <summary>A commit status (<c>error</c>, <c>failure</c>, <c>pending</c>, <c>success</c>) of one context.</summary>
public sealed record FakeCommitStatus(string Context, string State, string? TargetUrl = null, string? Description = null);

/// <summary>A deployment as the fake recorded it, with every status posted to it in order.</summary>
public sealed record FakeDeployment(long Id, string Repository, string Ref, string Environment, string? Description, bool? ProductionEnvironment,
    bool? AutoMerge, IReadOnlyList<string>? RequiredContexts)
{
    public List<FakeDeploymentStatus> Statuses { get; } = [];
}

public sealed record FakeDeploymentStatus(long Id, string State, string? LogUrl, string? EnvironmentUrl, string? Description);

/// <summary>One request the fake received: path without the Enterprise prefix, query, body and the Authorization header.</summary>
public sealed record FakeGitHubRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, System.Text.Json.Nodes.JsonNode? Body, string? Authorization);
