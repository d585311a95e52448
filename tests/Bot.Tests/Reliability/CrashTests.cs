using System.Diagnostics;
using System.Globalization;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Bot.Tests.Reliability;

/// <summary>
/// The real bot (<c>dotnet bot.dll send "deploy web …"</c>) is SIGKILLed at random points of a deploy: while it
/// starts, in checkout, build, deploy or health, or after it finished. The next run (<c>send "status web"</c>)
/// recovers, and then nothing may be left over: no deployment queued or running, no lock held, no process of the
/// killed run's steps alive, no step run twice, and a store file that passes SQLite's integrity check. What serves
/// is the release status calls live: a kill after Deploy started has the previous release put back.
/// </summary>
/// <remarks>Set <c>CRASH_SEED</c> to replay the kill points of an earlier run; the seed is printed and in every failure.</remarks>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Iterations = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Lines the console prints as a deploy goes; the kill lands right after one of them.</summary>
    private static readonly string[] ProgressLines =
        ["Queued deploy", "▸ checkout", "▸ build", "│ build 2", "▸ deploy", "│ deploy 1", "▸ health", "Healthy.", "✅"];

    private readonly TempDir _dir = new("crash");
    private CrashApp? _app;

    [Fact]
    public async Task Killing_the_bot_anywhere_in_a_deploy_leaves_nothing_running_locked_or_broken()
    {
        var seed = Environment.GetEnvironmentVariable("CRASH_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Environment.TickCount & int.MaxValue;
        output.WriteLine($"seed {seed} (CRASH_SEED={seed} replays these kill points)");
        var random = new Random(seed);
        var app = _app = new CrashApp(_dir);
        var env = app.Env();
        var clock = Stopwatch.StartNew();

        for (var i = 1; i <= Iterations; i++)
        {
            var gitRef = app.Refs[random.Next(app.Refs.Count)];
            var killed = await DeployAndKillAsync(env, gitRef, random);
            var what = $"seed {seed}, run {i}: deploy web {gitRef}, killed {killed}";
            var outcome = await RecoverAndCheckAsync(env, what);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0}s {what}: {outcome}");
        }

        // Whatever was interrupted, the next deploy is accepted and goes live.
        var last = await BotProcess.RunAsync(env, _dir.Path, "send", "deploy web main");
        Assert.True(last.Code == 0, $"seed {seed}: a deploy after the crashes failed\n{last.Stdout}{last.Stderr}");
        Assert.Contains("✅ web #", last.Stdout);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0}s done");
    }

    /// <summary>Starts a deploy and SIGKILLs it after a random delay or right after a random progress line; says which.</summary>
    private async Task<string> DeployAndKillAsync(Dictionary<string, string?> env, string gitRef, Random random)
    {
        using var bot = BotProcess.Start(env, _dir.Path, null, "send", $"deploy web {gitRef}");
        var exited = bot.WaitForExitAsync(Patience);
        string plan;
        if (random.Next(3) == 0)
        {
            var delay = random.Next(0, 2500);
            plan = $"{delay} ms after start";
            await Task.WhenAny(exited, Task.Delay(delay));
        }
        else
        {
            var line = ProgressLines[random.Next(ProgressLines.Length)];
            plan = $"at \"{line}\"";
            await Task.WhenAny(exited, bot.WaitForOutputAsync(line, Patience));
        }
        if (exited.IsCompleted) return $"{plan}, but it had ended (exit {await exited})";
        try { bot.KillHard(); }
        catch (InvalidOperationException) { return $"{plan}, but it ended just before"; }
        return plan;
    }

    /// <summary>Runs <c>status web</c>, checks what must hold after a crash, and says how the last deployment ended.</summary>
    private async Task<string> RecoverAndCheckAsync(Dictionary<string, string?> env, string what)
    {
        var status = await BotProcess.RunAsync(env, _dir.Path, "send", "status web");
        Assert.True(status.Code == 0, $"{what}: status exited {status.Code}\n{status.Stdout}{status.Stderr}");

        SqliteConnection.ClearAllPools();
        var outcome = "nothing queued";
        using (var store = new SqliteDeploymentStore(_app!.Database))
        {
            var unfinished = (await store.ListAsync(null, null, 1000, activeOnly: true, default)).Select(d => $"#{d.Number} {d.State}").ToList();
            Assert.True(unfinished.Count == 0, $"{what}: still active after recovery: {string.Join(", ", unfinished)}\n{status.Stdout}");
            var locks = (await store.LocksAsync(null, default)).Select(l => $"{l.App}/{l.Env} {l.Kind} ({l.Reason})").ToList();
            Assert.True(locks.Count == 0, $"{what}: locks left held: {string.Join(", ", locks)}");
            Assert.Equal("ok", await store.IntegrityCheckAsync(default));
            var live = (await store.SucceededAsync("web", "production", 1, default)).FirstOrDefault();
            if (!status.Stdout.Contains("unknown", StringComparison.Ordinal) && live is not null)
                Assert.True(live.Release == _app.Serving, $"{what}: status says #{live.Number} ({live.Release}) is live, but {_app.Serving} serves\n{status.Stdout}");
            if ((await store.ListAsync("web", null, 1, false, default)).FirstOrDefault() is { } last)
            {
                var stopped = (await store.EventsAsync(last.Id, 0, 1000, default)).Any(e => e.Text.StartsWith("Stopped processes", StringComparison.Ordinal));
                outcome = $"#{last.Number} {last.State.ToString().ToLowerInvariant()}{(stopped ? ", its leftover processes stopped" : "")}";
            }
        }
        SqliteConnection.ClearAllPools();

        var alive = _app.LiveStepProcesses();
        Assert.True(alive.Count == 0, $"{what}: processes of the killed run's steps still alive: {string.Join(", ", alive)}\n{status.Stdout}");
        var twice = _app.StepsRunTwice();
        Assert.True(twice.Count == 0, $"{what}: steps that ran twice: {string.Join(", ", twice)}");
        return outcome;
    }

    public void Dispose()
    {
        _app?.KillLeftovers();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
