using System.Text.Json.Nodes;

namespace Bot.Tests.Targets.Heroku;

/// <summary>A request the fake received (API or not), with its JSON body where it had one.</summary>
public sealed record FakeHerokuRequest(string Method, string Path, JsonNode? Body, byte[] Bytes, string Range);

/// <summary>
/// How the next build goes: its output, whether it succeeds, and the release phase of the release it makes (no lines: no
/// release phase). <see cref="Hold"/> keeps the build running (its stream open) until the test lets it go or it is cancelled.
/// </summary>
public sealed record BuildScript(
    IReadOnlyList<string>? Lines = null, bool Succeeds = true, IReadOnlyList<string>? ReleasePhase = null, bool ReleaseSucceeds = true,
    bool Hold = false)
{
    public IReadOnlyList<string> Output => Lines ?? ["-----> Building on the Heroku-24 stack", "-----> Using buildpack: heroku/nodejs", "       added 42 packages", "-----> Compressing...", "       Done: 41.2M", "-----> Launching..."];
}

public sealed class FakeHerokuApp(string name)
{
    public string Name { get; } = name;
    public bool Maintenance { get; set; }
    public string WebUrl => $"https://{Name}-0123456789ab.herokuapp.com/";
    public List<FakeRelease> Releases { get; } = [];
    public List<FakeBuild> Builds { get; } = [];
    public List<FakeFormation> Formation { get; } = [];
    public List<FakeDyno> Dynos { get; } = [];
    public List<JsonObject> Webhooks { get; } = [];

    /// <summary>The config vars the app runs with now; each release keeps a copy of them.</summary>
    public Dictionary<string, string> ConfigVars { get; set; } = new(StringComparer.Ordinal);

    /// <summary>One-off dynos started through the API, oldest first.</summary>
    public List<FakeRun> Runs { get; } = [];
    public FakeRelease Current => Releases.Single(r => r.Current);
}

public sealed class FakeRelease(string id, int version, string description, string status, bool current, string? outputStream)
{
    public string Id { get; } = id;
    public int Version { get; } = version;
    public string Description { get; set; } = description;
    public string Status { get; set; } = status;
    public bool Current { get; set; } = current;
    public string? OutputStream { get; set; } = outputStream;
    public IReadOnlyList<string>? PhaseLines { get; set; }
    public bool PhaseSucceeds { get; set; } = true;

    /// <summary>The config vars the release runs with: what a rollback to it restores.</summary>
    public Dictionary<string, string> Config { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The id of the slug it runs (a key of <see cref="FakeHerokuApi.Slugs"/>); null for a release with no code.</summary>
    public string? Slug { get; set; }
}

public sealed class FakeBuild(string id, BuildScript script, JsonObject sourceBlob)
{
    public string Id { get; } = id;
    public BuildScript Script { get; } = script;
    public JsonObject SourceBlob { get; } = sourceBlob;
    public string Status { get; set; } = "pending";
    public string? ReleaseId { get; set; }
    public bool Cancelled { get; set; }
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed record FakeFormation(string Type, int Quantity, string Size);

public sealed record FakeDyno(string Name, string Type, string State, int Version);

/// <summary>
/// How the next one-off dyno goes once its log session is read: its output, its exit status, whether it keeps running
/// (<see cref="Hold"/>, until the test lets it go or it is stopped), and whether the tailed stream drops before the exit
/// line (<see cref="DropsStream"/>; the dyno is then gone from the API, and only a fresh session shows how it ended).
/// </summary>
public sealed record RunScript(IReadOnlyList<string>? Lines = null, int ExitCode = 0, bool Hold = false, bool DropsStream = false)
{
    public IReadOnlyList<string> Output => Lines ?? ["Running migrations...", "Applied 3 migrations."];
}

/// <summary>A one-off dyno: <see cref="Log"/> holds every line of it Heroku would keep, its own and Heroku's.</summary>
public sealed class FakeRun(string name, string command, int? timeToLive, int version, RunScript script)
{
    public string Name { get; } = name;
    public string Command { get; } = command;
    public int? TimeToLive { get; } = timeToLive;
    public int Version { get; } = version;
    public RunScript Script { get; } = script;
    public string State { get; set; } = "starting";
    public bool Stopped { get; set; }

    /// <summary>True once Heroku no longer knows the dyno (info answers 404).</summary>
    public bool Removed { get; set; }

    public List<string> Log { get; } = [];
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
