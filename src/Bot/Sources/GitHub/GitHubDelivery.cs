using System.Text.Json;

namespace Bot.Sources.GitHub;

/// <summary>
/// What one webhook delivery asks of the bot, read from its <c>X-GitHub-Event</c> and body without side effects: a
/// <see cref="Push"/> to hand on, a commit whose checks changed, a ping to answer, something to ignore (with why), or a
/// body that is not what GitHub sends (with why, for the 400).
/// </summary>
public abstract record GitHubDelivery
{
    private GitHubDelivery() { }

    public sealed record Pushed(Push Push) : GitHubDelivery;

    public sealed record ChecksChanged(string Repository, string Sha) : GitHubDelivery;

    public sealed record Ping(string? Zen) : GitHubDelivery;

    public sealed record Ignored(string Reason) : GitHubDelivery;

    public sealed record Malformed(string Reason) : GitHubDelivery;

    private const string Heads = "refs/heads/";

    public static GitHubDelivery Read(string eventName, ReadOnlySpan<byte> body)
    {
        if (eventName is not ("push" or "check_run" or "check_suite" or "status" or "workflow_run" or "ping"))
            return new Ignored($"{Clip(eventName)} events are not used");
        GitHubEvent? payload;
        try { payload = JsonSerializer.Deserialize(body, GitHubEventJson.Default.GitHubEvent); }
        catch (JsonException e) { return new Malformed(e.Path is { Length: > 1 } at ? $"unexpected JSON at {at}" : "expected a JSON object"); }
        if (payload is null) return new Malformed("expected a JSON object");
        if (eventName == "ping") return new Ping(payload.Zen);
        if (payload.Repository?.FullName is not { Length: > 0 } repository) return new Malformed("field 'repository.full_name' is required");
        return eventName switch
        {
            "push" => ReadPush(payload, repository),
            "check_run" => Checks(repository, payload.CheckRun?.HeadSha, "check_run.head_sha"),
            "check_suite" => Checks(repository, payload.CheckSuite?.HeadSha, "check_suite.head_sha"),
            "workflow_run" => Checks(repository, payload.WorkflowRun?.HeadSha, "workflow_run.head_sha"),
            _ => Checks(repository, payload.Sha, "sha"),
        };
    }

    private static GitHubDelivery Checks(string repository, string? sha, string field) =>
        IsSha(sha) ? new ChecksChanged(repository, sha!) : new Malformed($"field '{field}' (a commit sha) is required");

    /// <summary>
    /// A push to a branch. A deleted branch and a tag never deploy. The pusher is the account GitHub names as <c>sender</c>
    /// (a push always has one; the push's own <c>pusher.name</c> is the same login, kept as the fallback), written as
    /// config lists write people: <c>github:login</c>.
    /// </summary>
    private static GitHubDelivery ReadPush(GitHubEvent e, string repository)
    {
        if (e.Ref is not { Length: > 0 } gitRef) return new Malformed("field 'ref' is required");
        if (gitRef.StartsWith("refs/tags/", StringComparison.Ordinal)) return new Ignored($"tag {Clip(gitRef["refs/tags/".Length..])} (only branches deploy)");
        if (!gitRef.StartsWith(Heads, StringComparison.Ordinal) || gitRef.Length == Heads.Length) return new Ignored($"{Clip(gitRef)} is not a branch");
        var branch = gitRef[Heads.Length..];
        if (e.Deleted == true || IsZero(e.After)) return new Ignored($"branch {Clip(branch)} was deleted");
        if (!IsSha(e.After)) return new Malformed("field 'after' (a commit sha) is required");
        var login = e.Sender?.Login is { Length: > 0 } s ? s : e.Pusher?.Name is { Length: > 0 } p ? p : null;
        var commits = (e.Commits ?? []).Where(c => c?.Id is { Length: > 0 })
            .Select(c => new PushedCommit(c!.Id!, FirstLine(c.Message))).ToList();
        return new Pushed(new Push(repository, branch, e.After!, IsSha(e.Before) && !IsZero(e.Before) ? e.Before : null, e.Forced == true,
            login is null ? null : "github:" + login, e.Pusher?.Name is { Length: > 0 } name ? name : login ?? "someone on GitHub",
            string.IsNullOrWhiteSpace(e.Compare) ? null : e.Compare, commits, "webhook"));
    }

    private static string FirstLine(string? message)
    {
        if (message is null) return "";
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }

    /// <summary>A SHA-1 (40) or SHA-256 (64) object name in hex.</summary>
    private static bool IsSha(string? value) => value is { Length: 40 or 64 } && value.All(char.IsAsciiHexDigit);

    private static bool IsZero(string? value) => value is { Length: > 0 } && value.All(c => c == '0');

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
