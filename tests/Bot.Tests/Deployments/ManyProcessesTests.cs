using System.Diagnostics;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Processes;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Xunit.Abstractions;

namespace Bot.Tests.Deployments;

/// <summary>
/// Two <c>serve</c> replicas and a <c>worker</c> (real processes from the built binary) on one PostgreSQL, as README
/// promises: no live process's job is interrupted, a command retried to the other replica runs once with one card,
/// a killed runner's step dies with it and a peer ends its deployment, and <c>SIGTERM</c> leaves no card behind.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ManyProcessesTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static JsonObject ShellApp(TempDir dir, string name, string deploy)
    {
        var repo = new GitRepo(dir[$"{name}-repo"]);
        repo.Commit("App", ("deploy.sh", deploy));
        return new JsonObject { ["Target"] = "shell", ["Repository"] = repo.Path, ["Shell"] = new JsonObject { ["Deploy"] = "sh deploy.sh" } };
    }

    private static async Task<Deployment> FinishedAsync(IDeploymentStore store, string app, int number, TimeSpan patience) =>
        await ProcessRig.UntilAsync(async () => await store.FindAsync(app, number, default) is { IsFinished: true } d ? d : null, patience, $"{app} #{number} to end");

    /// <summary>The pid a deploy step wrote to <paramref name="file"/> once it started.</summary>
    private static async Task<int> StepPidAsync(string file) =>
        (int)(await ProcessRig.UntilAsync(() => Task.FromResult(File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var p) ? p : (int?)null),
            Patience, "the step to start"))!;

    [Fact]
    public async Task A_long_deploy_run_by_one_process_ends_live_while_peers_sweep_and_another_process_asks_for_status()
    {
        using var apps = new TempDir("apps");
        // Longer than two recovery sweeps of every peer (each looks every 5 s).
        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(),
            new JsonObject { ["slow"] = ShellApp(apps, "slow", "echo starting\nsleep 12\necho finished\n") });
        await using var _ = rig;
        var (_, a) = await rig.ServeAsync("a");
        await rig.ServeAsync("b");
        rig.Worker("w");
        await using var store = rig.Store();

        Assert.True((await rig.CommandAsync(a, ProcessRig.Deploy("slow"))).IsSuccessStatusCode);
        await ProcessRig.UntilAsync(async () => await store.FindAsync("slow", 1, default) is { State: DeploymentState.Running } d ? d : null, Patience, "slow #1 to run");
        var status = await rig.SendAsync("s", "status slow");
        Assert.Equal(0, status.Code);
        Assert.Contains("slow #1", status.Stdout);

        var done = await FinishedAsync(store, "slow", 1, Patience);
        Assert.True(done.State == DeploymentState.Succeeded, $"{done.State}: {done.Message}");
        await ProcessRig.UntilAsync(() => Task.FromResult(rig.CardOf("slow", 1).Latest?.Contains("live") == true ? "" : null), Patience, "the card to say live");
        Assert.Equal(1, rig.CardOf("slow", 1).Posts);
        Assert.Contains("finished", (await store.EventsAsync(done.Id, 0, 100, default)).Select(e => e.Text));
        rig.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task Forty_commands_each_retried_to_the_other_replica_run_once_with_one_card_each()
    {
        using var apps = new TempDir("apps");
        var runs = apps["runs.txt"];
        var config = new JsonObject();
        var names = Enumerable.Range(1, 40).Select(i => $"a{i:00}").ToList();
        foreach (var name in names) config[name] = ShellApp(apps, name, $"echo \"$DEPLOY_APP $DEPLOY_NUMBER\" >> '{runs}'\n");
        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(), config);
        await using var _ = rig;
        var (_, a) = await rig.ServeAsync("a");
        var (_, b) = await rig.ServeAsync("b");
        rig.Worker("w");
        await using var store = rig.Store();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < names.Count; i++)
        {
            var body = ProcessRig.Deploy(names[i]);
            var (first, second) = i % 2 == 0 ? (a, b) : (b, a);
            Assert.True((await rig.CommandAsync(first, body)).IsSuccessStatusCode);
            Assert.True((await rig.CommandAsync(second, body)).IsSuccessStatusCode);
        }
        foreach (var name in names) Assert.Equal(DeploymentState.Succeeded, (await FinishedAsync(store, name, 1, Patience)).State);
        output.WriteLine($"40 deployments over 3 processes ended in {clock.Elapsed.TotalSeconds:0.0} s");

        foreach (var name in names)
            await ProcessRig.UntilAsync(() => Task.FromResult(rig.CardOf(name, 1).Latest?.Contains("live") == true ? "" : null), Patience, $"{name}'s card to say live");
        Assert.All(names, name => Assert.Equal(1, rig.CardOf(name, 1).Posts));
        Assert.Equal(names.Select(n => $"{n} 1"), File.ReadAllLines(runs).Order());
        Assert.Equal(40, (await store.ListAsync(null, null, 100, activeOnly: false, default)).Count);
        output.WriteLine($"cards per deployment: {string.Join(",", names.Select(n => rig.CardOf(n, 1).Posts).Distinct())}");
        rig.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task Killing_the_runner_mid_step_stops_its_step_and_a_peer_ends_the_deployment_and_frees_the_lock()
    {
        using var apps = new TempDir("apps");
        var stepPid = apps["step.pid"];
        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(),
            new JsonObject { ["victim"] = ShellApp(apps, "victim", $"echo $$ > '{stepPid}'\nexec sleep 120\n") });
        await using var _ = rig;
        var (_, a) = await rig.ServeAsync("a");
        await rig.ServeAsync("b");
        rig.Worker("w");
        await using var store = rig.Store();

        Assert.True((await rig.CommandAsync(a, ProcessRig.Deploy("victim"))).IsSuccessStatusCode);
        var step = await StepPidAsync(stepPid);
        var running = (await store.FindAsync("victim", 1, default))!;
        var runner = await rig.RunnerOfAsync(running.Id) ?? throw new InvalidOperationException("no runner found for victim #1");

        var clock = Stopwatch.StartNew();
        runner.KillHard();
        var ended = await FinishedAsync(store, "victim", 1, TimeSpan.FromSeconds(60));
        output.WriteLine($"a peer ended the killed runner's deploy {clock.Elapsed.TotalSeconds:0.0} s after SIGKILL (lease 60 s)");

        Assert.Equal(DeploymentState.Interrupted, ended.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "a peer on this host ends it before the lease runs out");
        Assert.Null(ChildProcess.StartTicks(step));
        Assert.DoesNotContain(await store.LocksAsync("victim", default), l => l.Kind == LockKind.Deploy);
        await ProcessRig.UntilAsync(() => Task.FromResult(rig.CardOf("victim", 1).Latest?.Contains("interrupted") == true ? "" : null), Patience, "the card to say interrupted");
        Assert.Equal(1, rig.CardOf("victim", 1).Posts);
    }

    [Fact]
    public async Task A_card_whose_follower_is_killed_after_the_deploy_ended_but_before_its_final_edit_still_reaches_its_end()
    {
        using var apps = new TempDir("apps");
        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(), new JsonObject { ["quick"] = ShellApp(apps, "quick", "echo done\n") });
        await using var _ = rig;
        var (_, web) = await rig.ServeAsync("a");
        await rig.ServeAsync("b");
        rig.Worker("w");
        await using var store = rig.Store();
        // Every edit waits: the follower posts the card, then its edits (the final one too) hang until it is killed.
        var edits = rig.Slack.Hold("chat.update");

        Assert.True((await rig.CommandAsync(web, ProcessRig.Deploy("quick"))).IsSuccessStatusCode);
        var done = await FinishedAsync(store, "quick", 1, Patience);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.DoesNotContain("live", rig.CardOf("quick", 1).Latest);
        var holder = await store.GetNoteAsync("follower", done.Id.ToString(), default) ?? "";
        var follower = rig.ByPid[int.Parse(holder.Split(':')[1])];
        follower.KillHard();
        edits.SetResult();

        // The worker sees a claim left by a process that is gone on a card whose end was never delivered, and shows the end.
        var clock = Stopwatch.StartNew();
        await ProcessRig.UntilAsync(() => Task.FromResult(rig.CardOf("quick", 1).Latest?.Contains("live") == true ? "" : null), Patience, "the card to say live");
        output.WriteLine($"the card said live {clock.Elapsed.TotalSeconds:0.0} s after its follower was killed (sweep every 5 s)");
        Assert.Equal(1, rig.CardOf("quick", 1).Posts);
        await ProcessRig.UntilAsync(async () => await store.GetNoteAsync("follower", done.Id.ToString(), default) == "delivered" ? "" : null, Patience, "the card's end to be noted delivered");
        rig.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_cancel_typed_to_one_process_stops_the_step_another_process_runs_before_the_answer_is_sent()
    {
        using var apps = new TempDir("apps");
        var stepPid = apps["step.pid"];
        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(),
            new JsonObject { ["slow"] = ShellApp(apps, "slow", $"echo $$ > '{stepPid}'\nexec sleep 120\n") });
        await using var _ = rig;
        var (_, web) = await rig.ServeAsync("web", "--no-worker");
        rig.Worker("w");
        await using var store = rig.Store();

        Assert.True((await rig.CommandAsync(web, ProcessRig.Deploy("slow"))).IsSuccessStatusCode);
        var step = await StepPidAsync(stepPid);
        var cancel = await rig.CommandAsync(web, SlackPayloads.SlashCommand("/ops", "cancel slow"));
        var answer = (string?)JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!["text"] ?? "";

        // The worker hears of the cancel at once (NOTIFY), not at its lease renewal 10 s later, so the answer can say it stopped.
        Assert.StartsWith("🚫 Stopped deploy #1 of slow. Cancelled during the deploy step", answer);
        var ended = await FinishedAsync(store, "slow", 1, Patience);
        Assert.Equal(DeploymentState.Cancelled, ended.State);
        Assert.Null(ChildProcess.StartTicks(step));
        await ProcessRig.UntilAsync(() => Task.FromResult(rig.CardOf("slow", 1).Latest?.Contains("cancelled") == true ? "" : null), Patience, "the card to say cancelled");
        Assert.Equal(1, rig.CardOf("slow", 1).Posts);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task SIGTERM_during_a_deploy_ends_it_interrupted_and_its_card_says_so_before_the_process_exits(string storeKind)
    {
        using var apps = new TempDir("apps");
        var url = storeKind == "postgres" ? await postgres.NewDatabaseUrlAsync() : null;
        var rig = await ProcessRig.StartAsync(url, new JsonObject { ["slow"] = ShellApp(apps, "slow", "echo starting\nexec sleep 120\n") });
        await using var _ = rig;
        var (serve, port) = await rig.ServeAsync("a");

        Assert.True((await rig.CommandAsync(port, ProcessRig.Deploy("slow"))).IsSuccessStatusCode);
        await ProcessRig.UntilAsync(() => Task.FromResult(rig.CardOf("slow", 1).Latest?.Contains("deploying") == true ? "" : null), Patience, "the card to say deploying");
        var clock = Stopwatch.StartNew();
        serve.Terminate();
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"{storeKind}: SIGTERM to exit {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {clock.Elapsed}");
        var (posts, latest) = rig.CardOf("slow", 1);
        Assert.Equal(1, posts);
        Assert.Contains("interrupted", latest);
    }
}
