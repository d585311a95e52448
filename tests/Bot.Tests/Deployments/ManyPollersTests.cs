using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Tests.Support;
using Xunit.Abstractions;

namespace Bot.Tests.Deployments;

/// <summary>
/// Two real <c>bot worker</c> processes on one PostgreSQL, both configured to poll one branch: between them the branch is
/// polled once per interval, a commit found by polling deploys once, and when the polling process is killed the other
/// takes over once its turn's lease has run out. Who polled is counted by a <c>git</c> on the processes' PATH that notes
/// each <c>ls-remote</c> (with which process ran it and when) before it runs the real one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ManyPollersTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private sealed record LsRemote(string Process, DateTimeOffset At);

    /// <summary>Each <c>git ls-remote</c> of the polled branch the processes ran, in order.</summary>
    private static List<LsRemote> Calls(string log) => !File.Exists(log) ? [] :
        File.ReadAllLines(log).Select(l => l.Split(' ')).Where(p => p.Length == 2)
            .Select(p => new LsRemote(p[0], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(p[1], CultureInfo.InvariantCulture)))).ToList();

    private static string RealGit() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "git")).First(File.Exists);

    [Fact]
    public async Task Two_workers_poll_a_branch_once_between_them_deploy_a_commit_once_and_the_survivor_takes_over_from_a_killed_poller()
    {
        var clock = Stopwatch.StartNew();
        using var dir = new TempDir("pollers");
        var repo = new GitRepo(dir["repo"]);
        repo.Commit("App", ("deploy.sh", $"echo \"$DEPLOY_NUMBER $DEPLOY_SHA\" >> '{dir["runs.txt"]}'\n"));
        var calls = dir["ls-remote.log"];
        Directory.CreateDirectory(dir["bin"]);
        File.WriteAllText(dir["bin/git"], $"""
            #!/bin/sh
            [ "$1" = ls-remote ] && case "$*" in *refs/heads/main*) echo "$POLLER $(($(date +%s%N) / 1000000))" >> '{calls}' ;; esac
            exec '{RealGit()}' "$@"
            """);
        File.SetUnixFileMode(dir["bin/git"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(), new JsonObject
        {
            ["web"] = new JsonObject
            {
                ["Target"] = "shell", ["Repository"] = repo.Path, ["Shell"] = new JsonObject { ["Deploy"] = "sh deploy.sh" },
                ["AutoDeploy"] = new JsonObject { ["Branch"] = "main", ["Poll"] = "5s" }, ["Channels"] = new JsonArray("slack:C42"),
            },
        });
        await using var _ = rig;
        await using var store = rig.Store();
        await store.MigrateAsync(default);
        rig.Extra["PATH"] = $"{dir["bin"]}:{Environment.GetEnvironmentVariable("PATH")}";
        var workers = new Dictionary<string, BotProcess>();
        foreach (var name in new[] { "a", "b" })
        {
            rig.Extra["POLLER"] = name;
            workers[name] = rig.Worker(name);
        }
        var key = $"{repo.Path}#main";

        // The first look notes where main is; then a commit, found by whichever process's turn it is.
        var start = repo.Head();
        await ProcessRig.UntilAsync(async () => await store.GetNoteAsync("polled", key, default) == start ? "" : null, Patience, "the first look");
        output.WriteLine($"first look done after {clock.Elapsed.TotalSeconds:0.0}s (the PostgreSQL server and database included)");
        var first = repo.Commit("first change");
        var one = await ProcessRig.UntilAsync(async () => await store.FindAsync("web", 1, default) is { IsFinished: true } d ? d : null, Patience, "web #1 to end");
        Assert.True(one.State == DeploymentState.Succeeded, $"{one.State}: {one.Message}");
        Assert.Equal((first, "poll"), (one.Sha, one.Via));
        output.WriteLine($"first commit deployed after {clock.Elapsed.TotalSeconds:0.0}s");

        // SIGKILL the poller: no chance to let its turn go, so the other waits for the lease to run out.
        var poller = Calls(calls)[^1].Process;
        var survivor = poller == "a" ? "b" : "a";
        var lease = await store.GetNoteAsync("poll-turn", key, default);
        Assert.Equal(workers[poller].Id.ToString(CultureInfo.InvariantCulture), lease!.Split(' ')[0].Split(':')[1]);
        workers[poller].KillHard();
        var killedAt = DateTimeOffset.UtcNow;
        var second = repo.Commit("second change");
        var two = await ProcessRig.UntilAsync(async () => await store.FindAsync("web", 2, default) is { IsFinished: true } d ? d : null, Patience, "web #2 to end");
        Assert.True(two.State == DeploymentState.Succeeded, $"{two.State}: {two.Message}");
        Assert.Equal((second, "poll"), (two.Sha, two.Via));
        output.WriteLine($"second commit deployed by the survivor after {clock.Elapsed.TotalSeconds:0.0}s");

        // Each commit ran once, and nothing else was deployed.
        Assert.Equal([$"1 {first}", $"2 {second}"], File.ReadAllLines(dir["runs.txt"]));
        Assert.Null(await store.FindAsync("web", 3, default));

        // Between them the branch was polled once per interval (never two looks closer than that, whoever ran them); the
        // survivor began only once the killed poller's turn had run out (1.5 intervals after its last look).
        var all = Calls(calls);
        output.WriteLine(string.Join('\n', all.Select(c => $"{c.Process} {c.At:HH:mm:ss.fff}")));
        var slack = TimeSpan.FromMilliseconds(500); // starting the wrapper, on a busy machine
        foreach (var (earlier, later) in all.Zip(all.Skip(1)))
            Assert.True(later.At - earlier.At >= Every - slack, $"{earlier.Process} and {later.Process} looked {later.At - earlier.At} apart");
        var before = all.Where(c => c.At < killedAt).ToList();
        var after = all.Where(c => c.At >= killedAt).ToList();
        Assert.Equal(poller, before[^1].Process);
        Assert.NotEmpty(after);
        Assert.All(after, c => Assert.Equal(survivor, c.Process));
        Assert.True(after[0].At - before[^1].At >= Every * 1.5 - slack, $"the survivor looked {after[0].At - before[^1].At} after the killed poller's last look");
    }
}
