using Bot.Deployments;
using Bot.Processes;
using Bot.Tests.Support;

namespace Bot.Tests.Targets;

public sealed class ShellTargetTests : IDisposable
{
    private readonly TempDir _dir = new("shell");

    private static async Task<List<string>> TextsAsync(TestBot bot, Deployment d, params LineKind[] kinds) =>
        (await bot.Store.EventsAsync(d.Id, 0, 1000, default)).Where(e => kinds.Contains(e.Kind)).Select(e => e.Text).ToList();

    [Fact]
    public async Task Deploys_a_commit_into_a_release_folder_with_build_deploy_and_health()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        var queued = await bot.SendAsync("deploy web main");
        Assert.StartsWith($"Queued deploy #1 of web main@{app.V2[..7]} \"Second version\" to production", queued.Messages[0].Text);
        var done = await bot.WaitFinishedAsync(queued.Started!.Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var release = $"1-{app.V2[..7]}";
        Assert.Equal((release, "http://127.0.0.1:9999/"), (done.Release, done.Url));
        Assert.Equal(release, ShellApp.Live(bot));
        var folder = Path.Combine(bot.DataDir, "apps", "web", "production", "releases", release);
        Assert.Equal("2", File.ReadAllText(Path.Combine(folder, "version.txt")));
        Assert.Equal($"sha={app.V2} ref=main port=9999 env=production", File.ReadAllText(Path.Combine(folder, "build-info.txt")).Trim());
        Assert.Equal(["checkout", "checkout done in", "build", "build done in", "deploy", "deploy done in", "health", "health done in"],
            (await TextsAsync(bot, done, LineKind.Step)).Select(t => t.Split(" in ")[0].Replace(" done", " done in")));
        Assert.Contains($"building {release}", await TextsAsync(bot, done, LineKind.Output));
    }

    [Fact]
    public async Task Deploys_a_tag_or_a_sha()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        var tag = await bot.DeployAsync("deploy web v1");
        Assert.Equal((app.V1, "v1"), (tag.Sha, tag.Ref));
        var sha = await bot.DeployAsync($"deploy web {app.V2[..8]}");
        Assert.Equal(app.V2, sha.Sha);
    }

    [Fact]
    public async Task A_failed_build_changes_nothing_and_says_so()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        await bot.DeployAsync("deploy web v1");
        app.Repo.Commit("Broken build", ("build.sh", "echo compiling\necho 'error: missing semicolon' >&2\nexit 3\n"));

        var done = await bot.DeployAsync("deploy web main");

        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.StartsWith($"Build failed (exit code 3 after", done.Message);
        Assert.Contains($"the live release is still 1-{app.V1[..7]}", done.Message);
        Assert.Contains("type `deploy web` again", done.Message);
        Assert.Equal($"1-{app.V1[..7]}", ShellApp.Live(bot));
        Assert.Contains("error: missing semicolon", (await bot.Store.EventsAsync(done.Id, 0, 100, default)).Where(e => e.Kind == LineKind.ErrorOutput).Select(e => e.Text));
        Assert.Empty(await bot.Store.LocksAsync("web", default));
    }

    [Fact]
    public async Task A_failed_health_check_puts_the_previous_release_back_and_reports_both()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        await bot.DeployAsync("deploy web v1");
        app.Repo.Commit("Break health", ("BREAK", "yes"));

        var done = await bot.DeployAsync("deploy web main");

        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.StartsWith("Health check failed for 2.0s.", done.Message);
        Assert.Contains($"The previous release 1-{app.V1[..7]} (#1 v1@{app.V1[..7]}) is back and healthy: it is what is live now.", done.Message);
        Assert.Equal($"1-{app.V1[..7]}", ShellApp.Live(bot));
        Assert.Contains("restore", await TextsAsync(bot, done, LineKind.Step));
        var live = Assert.Single(await bot.Store.SucceededAsync("web", "production", 10, default));
        Assert.Equal(1, live.Number);
    }

    [Fact]
    public async Task With_no_health_command_a_put_back_release_is_said_to_be_back_not_healthy()
    {
        var app = new ShellApp(_dir);
        var config = app.Config(("Shell:Deploy", "sh deploy.sh && test ! -f BREAK"));
        config.Remove("Apps:web:Shell:Health");
        await using var bot = await TestBot.StartAsync(config);
        await bot.DeployAsync("deploy web v1");
        app.Repo.Commit("Break deploy", ("BREAK", "yes"));

        var done = await bot.DeployAsync("deploy web main");

        Assert.StartsWith("Deploy step failed (exit code 1 after", done.Message);
        Assert.Contains($"The previous release 1-{app.V1[..7]} (#1 v1@{app.V1[..7]}) is back: it is what is live now.", done.Message);
        Assert.DoesNotContain("healthy", done.Message);
        Assert.Equal($"1-{app.V1[..7]}", ShellApp.Live(bot));
    }

    [Fact]
    public async Task A_port_held_by_another_process_is_named_in_the_failure()
    {
        var app = new ShellApp(_dir);
        app.Repo.Commit("Break health", ("BREAK", "yes"));
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            await using var bot = await TestBot.StartAsync(app.Config(("Shell:Port", port.ToString()), ("Shell:HealthTimeout", "1s")));
            var done = await bot.DeployAsync("deploy web");
            Assert.StartsWith($"Health check failed for 1.0s: port {port} is in use by another process (pid {Environment.ProcessId}: ", done.Message);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_failed_first_deploy_says_there_was_nothing_to_put_back()
    {
        var app = new ShellApp(_dir);
        app.Repo.Commit("Break health", ("BREAK", "yes"));
        await using var bot = await TestBot.StartAsync(app.Config());
        var done = await bot.DeployAsync("deploy web");
        Assert.Contains("There was no earlier release to put back", done.Message);
    }

    [Fact]
    public async Task Rollback_reruns_deploy_in_the_previous_release_folder_without_building()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        await bot.DeployAsync("deploy web v1");
        await bot.DeployAsync("deploy web main");

        var back = await bot.DeployAsync("rollback web");

        Assert.Equal((DeploymentState.Succeeded, $"1-{app.V1[..7]}", app.V1), (back.State, back.Release, back.Sha));
        Assert.Equal($"1-{app.V1[..7]}", ShellApp.Live(bot));
        Assert.DoesNotContain("build", await TextsAsync(bot, back, LineKind.Step));
        Assert.Contains($"Putting release 1-{app.V1[..7]} back.", await TextsAsync(bot, back, LineKind.Notice));
    }

    [Fact]
    public async Task Rollback_rebuilds_a_release_whose_folder_was_pruned()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config(("Shell:KeepReleases", "2")));
        await bot.DeployAsync("deploy web v1");
        await bot.DeployAsync("deploy web main");
        await bot.DeployAsync("deploy web v1");
        await bot.DeployAsync("deploy web main");
        var releases = Path.Combine(bot.DataDir, "apps", "web", "production", "releases");
        Assert.False(Directory.Exists(Path.Combine(releases, $"1-{app.V1[..7]}")));

        var back = await bot.DeployAsync("rollback web #1");

        Assert.Equal(DeploymentState.Succeeded, back.State);
        Assert.Equal($"5-{app.V1[..7]}", ShellApp.Live(bot));
        Assert.Contains("build", await TextsAsync(bot, back, LineKind.Step));
    }

    [Fact]
    public async Task With_no_earlier_release_rollback_goes_to_the_parent_commit()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        await bot.DeployAsync("deploy web main");
        var result = await bot.SendAsync("rollback web");
        Assert.Contains("goes back to the commit before the live one", result.Messages[0].Text);
        var back = await bot.WaitFinishedAsync(result.Started!.Id);
        Assert.Equal((DeploymentState.Succeeded, app.V1), (back.State, back.Sha));
    }

    [Fact]
    public async Task Cancel_kills_the_whole_process_tree_of_the_running_step()
    {
        var app = new ShellApp(_dir);
        app.Repo.Commit("Slow build", ("build.sh", "sleep 300 &\necho $! > \"$SHARED_DIR/child.pid\"\necho started\nwait\n"));
        await using var bot = await TestBot.StartAsync(app.Config());
        using var updates = bot.Feed.Subscribe();
        var started = (await bot.SendAsync("deploy web")).Started!;
        while ((await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Line.Text != "started") { }
        var child = int.Parse(File.ReadAllText(ShellApp.Shared(bot, "child.pid")).Trim());
        Assert.NotNull(ChildProcess.StartTicks(child));

        await bot.SendAsync("cancel web");
        var done = await bot.WaitFinishedAsync(started.Id);

        Assert.Equal(DeploymentState.Cancelled, done.State);
        Assert.Null(ChildProcess.StartTicks(child));
    }

    [Fact]
    public async Task A_step_that_runs_past_its_time_limit_is_stopped_and_reported()
    {
        var app = new ShellApp(_dir);
        app.Repo.Commit("Hanging build", ("build.sh", "sleep 300\n"));
        await using var bot = await TestBot.StartAsync(app.Config(("Shell:StepTimeout", "1s")));
        var done = await bot.DeployAsync("deploy web");
        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.StartsWith("Build failed (no result within 1.0s)", done.Message);
    }

    [Fact]
    public async Task Steps_do_not_inherit_the_bots_secrets_but_get_the_apps_env()
    {
        Environment.SetEnvironmentVariable("SHELLTEST_API_TOKEN", "do-not-leak-0123456789");
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config(("Shell:Env:GREETING", "hello")));
        await bot.DeployAsync("deploy web");
        var env = File.ReadAllText(ShellApp.Shared(bot, "env.txt"));
        Assert.DoesNotContain("do-not-leak", env);
        Assert.Contains("GREETING=hello", env);
        Assert.Contains("PORT=9999", env);
    }

    [Fact]
    public async Task Logs_run_the_logs_command_with_the_line_count_and_filter()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        await bot.DeployAsync("deploy web");
        await File.WriteAllLinesAsync(ShellApp.Shared(bot, "app.log"), Enumerable.Range(1, 300).Select(i => i % 50 == 0 ? $"{i} ERROR boom" : $"{i} ok"));

        var tail = (await bot.SendAsync("logs web 20")).Messages[0];
        var errors = (await bot.SendAsync("logs web 3 grep error")).Messages[0];

        Assert.Equal(Enumerable.Range(281, 20).Select(i => i % 50 == 0 ? $"{i} ERROR boom" : $"{i} ok"), tail.Lines);
        Assert.Equal(["200 ERROR boom", "250 ERROR boom", "300 ERROR boom"], errors.Lines);
        Assert.Contains("with \"error\"", errors.Text);
    }

    [Fact]
    public async Task Logs_read_a_log_file_from_its_end()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config(("Shell:LogFile", "server.log")));
        Assert.Contains("does not exist yet", (await bot.SendAsync("logs web")).Messages[0].Text);
        Directory.CreateDirectory(Path.GetDirectoryName(ShellApp.Shared(bot, "server.log"))!);
        await File.WriteAllLinesAsync(ShellApp.Shared(bot, "server.log"), Enumerable.Range(1, 1000).Select(i => $"line {i}"));
        Assert.Equal(["line 999", "line 1000"], (await bot.SendAsync("logs web 2")).Messages[0].Lines);
    }

    [Fact]
    public async Task An_app_without_logs_configured_says_how_to_configure_them()
    {
        var app = new ShellApp(_dir);
        var config = app.Config();
        config.Remove("Apps:web:Shell:Logs");
        await using var bot = await TestBot.StartAsync(config);
        Assert.Contains("Add `Shell:Logs`", (await bot.SendAsync("logs web")).Messages[0].Text);
    }

    [Fact]
    public async Task The_next_deploy_stops_processes_a_killed_bot_left_running()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        var root = Path.Combine(bot.DataDir, "apps", "web", "production");
        // What a bot killed mid-build leaves: a step's process group and its pid file.
        var leftover = System.Diagnostics.Process.Start("setsid", ["sleep", "300"]);
        await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(root).FullName, "step.pid"), $"{leftover.Id} {ChildProcess.StartTicks(leftover.Id)}\n");

        var done = await bot.DeployAsync("deploy web");

        Assert.True(leftover.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Contains(await TextsAsync(bot, done, LineKind.Warning), t => t.StartsWith("Stopped processes an interrupted run left going"));
        Assert.Equal(DeploymentState.Succeeded, done.State);
    }

    [Fact]
    public async Task An_unknown_branch_lists_the_closest_ones()
    {
        var app = new ShellApp(_dir);
        app.Repo.Branch("feature/login");
        app.Repo.Commit("Login");
        app.Repo.Checkout("main");
        await using var bot = await TestBot.StartAsync(app.Config());
        var result = await bot.SendAsync("deploy web featur/login");
        Assert.False(result.Ok);
        Assert.Equal("No branch, tag or commit `featur/login` in web's repository. Closest: `feature/login`. Type `deploy web <branch|tag|sha>`.", result.Messages[0].Text);
        Assert.Equal("deploy web feature/login to production", result.Messages[0].ActionList[0].Command);
    }

    public void Dispose() => _dir.Dispose();
}
