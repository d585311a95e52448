using Bot.Chat;
using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Deployments;

public class EngineTests
{
    public static Dictionary<string, string?> WebApp(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Environments:0"] = "production",
            ["Apps:web:Environments:1"] = "staging",
            ["Apps:api:Target"] = "fake",
        };
        foreach (var (k, v) in extra) config[k] = v;
        return config;
    }

    [Fact]
    public async Task A_deploy_is_queued_run_and_reported_to_the_conversation_that_asked()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        var result = await bot.SendAsync("deploy web main");
        Assert.True(result.Ok);
        Assert.StartsWith("Queued deploy #1 of web main to production", result.Messages[0].Text);

        var done = await bot.WaitFinishedAsync(result.Started!.Id);

        Assert.Equal((DeploymentState.Succeeded, "r1", "https://r1.example.test"), (done.State, done.Release, done.Url));
        // "queued" is left out when the job started before the request got to publish it (the card never goes back).
        var states = bot.Chat.StatesOf(done.Id);
        Assert.True(states.SequenceEqual([DeploymentState.Queued, DeploymentState.Running, DeploymentState.Succeeded])
                    || states.SequenceEqual([DeploymentState.Running, DeploymentState.Succeeded]), string.Join(", ", states));
        var final = bot.Chat.Cards.Last().Card;
        Assert.Equal(["building", "done"], final.RecentLines);
        Assert.Contains(final.Actions, a => a.Command == "rollback web in production");
        var output = (await bot.Store.EventsAsync(done.Id, 0, 100, default)).Where(e => e.Kind == LineKind.Output).Select(e => e.Text);
        Assert.Equal(["building", "done"], output);
    }

    [Fact]
    public async Task A_card_never_goes_back_to_queued_when_queued_is_published_after_running()
    {
        await using var bot = await TestBot.StartAsync(WebApp(), worker: false);
        var queued = (await bot.SendAsync("deploy web main")).Started!;
        await bot.Services.GetRequiredService<DeploymentCards>().IdleAsync();
        lock (bot.Chat.Cards) bot.Chat.Cards.Clear();

        // The card's loop is handed the worker's "running" before the service's own "queued" (two threads published them).
        var card = new Bot.Chat.LiveCard(queued.Id, bot.Chat, bot.Services.GetRequiredService<DeploymentFeed>(), bot.Store,
            bot.Services.GetRequiredService<Bot.Security.LogLinks>(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var running = queued with { State = DeploymentState.Running };
        await card.ShowAsync(new FeedItem(running, StoryLine.StateOf(running, 0, queued.CreatedAt)), default);
        await card.ShowAsync(new FeedItem(queued, StoryLine.StateOf(queued, 0, queued.CreatedAt)), default);

        Assert.Equal([DeploymentState.Running], bot.Chat.StatesOf(queued.Id));
    }

    [Fact]
    public async Task A_store_read_that_fails_while_following_costs_a_pause_not_the_rest_of_the_card()
    {
        using var dir = new TempDir("bot");
        Directory.CreateDirectory(dir["data"]);
        var failures = 0;
        // The follower reads events 200 at a time; once armed, its next two reads fail as a busy store's would.
        var store = InterceptedStore.Wrap(new Bot.Deployments.Sqlite.SqliteDeploymentStore(Path.Combine(dir["data"], "bot.db")), (method, args) =>
            method == nameof(IDeploymentStore.EventsAsync) && args[2] is 200 && Interlocked.Decrement(ref failures) >= 0
                ? throw new TimeoutException("the store is busy")
                : Task.CompletedTask);
        await using var bot = await TestBot.StartAsync(WebApp(), services => services.AddSingleton(store), dir: dir);
        bot.Fake.Hold = new TaskCompletionSource();
        var queued = (await bot.SendAsync("deploy web main")).Started!;
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await bot.Services.GetRequiredService<DeploymentCards>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Interlocked.Exchange(ref failures, 2);
        bot.Fake.Hold.SetResult();
        var done = await bot.WaitFinishedAsync(queued.Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.True(Volatile.Read(ref failures) < 0, "the follower never met the failing reads");
        Assert.Equal(DeploymentState.Succeeded, bot.Chat.StatesOf(done.Id).Last());
        Assert.Equal(["building", "done"], bot.Chat.Cards.Last().Card.RecentLines);
    }

    [Fact]
    public async Task A_step_that_runs_long_without_output_moves_on_on_a_card_that_edits_in_place()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bot = await TestBot.StartAsync(WebApp(), services => services.AddSingleton<TimeProvider>(clock));
        bot.Chat.RedrawsInPlace = true;
        bot.Fake.Hold = new TaskCompletionSource();
        var queued = (await bot.SendAsync("deploy web main")).Started!;
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await bot.Services.GetRequiredService<DeploymentCards>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        clock.Advance(DeploymentCards.RedrawEvery);
        var redrawn = await bot.Chat.NextCardAsync(c => c.Summary.EndsWith("· build 5.0s", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        clock.Advance(DeploymentCards.RedrawEvery);
        var again = await bot.Chat.NextCardAsync(c => c.Summary.EndsWith("· build 10s", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        Assert.Equal((DeploymentState.Running, "deploying"), (redrawn.Deployment.State, redrawn.StateWord));
        Assert.Equal(["building", "done"], again.RecentLines);
        bot.Fake.Hold.SetResult();
        var done = await bot.WaitFinishedAsync(queued.Id);
        Assert.Equal(DeploymentState.Succeeded, bot.Chat.StatesOf(done.Id).Last());
        Assert.DoesNotContain("· build", bot.Chat.Cards.Last().Card.Summary);
    }

    [Fact]
    public async Task Every_published_event_is_already_in_the_store()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        var done = await bot.DeployAsync("deploy web");
        var stored = (await bot.Store.EventsAsync(done.Id, 0, 100, default)).Select(e => e.Seq).ToHashSet();
        var published = bot.Chat.Cards.Where(c => c.Trigger.Seq > 0).Select(c => c.Trigger.Seq).ToList();
        Assert.NotEmpty(published);
        Assert.All(published, seq => Assert.Contains(seq, stored));
    }

    [Fact]
    public async Task A_second_deploy_of_the_same_app_and_env_is_refused_with_who_and_how_to_cancel()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        bot.Fake.Hold = new TaskCompletionSource();
        var first = await bot.SendAsync("deploy web main", user: "alice");
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var second = await bot.SendAsync("deploy web develop", user: "bob");
        var staging = await bot.SendAsync("deploy web main to staging", user: "bob");

        Assert.False(second.Ok);
        Assert.Contains("alice is deploying main (#1, running)", second.Messages[0].Text);
        Assert.Contains("`cancel web #1`", second.Messages[0].Text);
        Assert.True(staging.Ok);
        bot.Fake.Hold.SetResult();
        await bot.WaitFinishedAsync(first.Started!.Id);
        await bot.WaitFinishedAsync(staging.Started!.Id);
        Assert.True((await bot.SendAsync("deploy web develop", user: "bob")).Ok);
    }

    [Fact]
    public async Task Cancel_stops_a_running_deployment()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        bot.Fake.Hold = new TaskCompletionSource();
        var started = (await bot.SendAsync("deploy web")).Started!;
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var cancel = await bot.SendAsync("cancel web");
        var done = await bot.WaitFinishedAsync(started.Id);

        Assert.StartsWith("🚫 Stopped deploy #1 of web. Cancelled during the build step", cancel.Messages[0].Text);
        Assert.Equal(DeploymentState.Cancelled, done.State);
        Assert.True(bot.Fake.WasCancelled);
        Assert.Empty(await bot.Store.LocksAsync("web", default));
    }

    [Fact]
    public async Task A_cancel_that_reaches_a_deploy_after_it_went_live_says_it_came_too_late()
    {
        using var dir = new TempDir("bot");
        Directory.CreateDirectory(dir["data"]);
        TestBot? bot = null;
        Task<Bot.Commands.CommandResult>? cancel = null;
        var answerWaits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The cancel arrives between the release going live and its end being recorded: the answer waits for that end.
        var store = InterceptedStore.Wrap(new Bot.Deployments.Sqlite.SqliteDeploymentStore(Path.Combine(dir["data"], "bot.db")), async (method, args) =>
        {
            if (method == nameof(IDeploymentStore.EventsAsync) && args[1] is long.MaxValue) answerWaits.TrySetResult();
            if (method == nameof(IDeploymentStore.FinishAsync) && args[1] is DeploymentState.Succeeded && cancel is null)
            {
                cancel = Task.Run(() => bot!.SendAsync("cancel web"));
                await answerWaits.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        });
        await using var started = bot = await TestBot.StartAsync(WebApp(), services => services.AddSingleton(store), dir: dir);
        var queued = (await bot.SendAsync("deploy web")).Started!;
        var done = await bot.WaitFinishedAsync(queued.Id);
        var answer = await cancel!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Equal("Too late to cancel: deploy #1 of web had already ended (live) when the cancel reached it. Type `status web` to see what is live.",
            answer.Messages[0].Text);
    }

    [Fact]
    public async Task Cancel_before_the_worker_starts_ends_the_deployment_at_once()
    {
        await using var bot = await TestBot.StartAsync(WebApp(), worker: false);
        var started = (await bot.SendAsync("deploy web")).Started!;
        var cancel = await bot.SendAsync("cancel #1");
        Assert.Contains("before it started", cancel.Messages[0].Text);
        Assert.Equal(DeploymentState.Cancelled, (await bot.Store.GetAsync(started.Id, default))!.State);
        Assert.Empty(bot.Fake.Deploys);
        Assert.False((await bot.SendAsync("cancel web")).Ok);
    }

    [Fact]
    public async Task A_failure_is_reported_with_what_happened_and_what_to_do()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        bot.Fake.FailWith = "Build failed (exit code 2).";
        var done = await bot.DeployAsync("deploy web");
        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.Equal("Build failed (exit code 2). Fix it and deploy again.", done.Message);
        var card = bot.Chat.Cards.Last().Card;
        Assert.Equal("❌ web #1 → production: failed", card.Title);
        Assert.Contains(card.Actions, a => a.Label == "View logs");
        Assert.Empty(await bot.Store.LocksAsync("web", default));
    }

    [Fact]
    public async Task Rollback_puts_the_release_before_the_live_one_back()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        await bot.DeployAsync("deploy web v1");
        await bot.DeployAsync("deploy web v2");
        var result = await bot.SendAsync("rollback web");
        Assert.Contains("Queued rollback #3 of web in production to r1", result.Messages[0].Text);
        var done = await bot.WaitFinishedAsync(result.Started!.Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Equal("r1", Assert.Single(bot.Fake.Rollbacks).Release);
        Assert.Equal("r1", done.Release);
        Assert.Contains("is already live", (await bot.SendAsync("rollback web #1")).Messages[0].Text);
        var named = await bot.DeployAsync("rollback web #2");
        Assert.Equal("r2", named.Release);
    }

    [Fact]
    public async Task Rollback_with_nothing_to_go_back_to_says_what_to_do()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        Assert.Contains("has no release in production yet", (await bot.SendAsync("rollback web")).Messages[0].Text);
        await bot.DeployAsync("deploy web");
        var only = await bot.SendAsync("rollback web");
        Assert.False(only.Ok);
        Assert.Contains("#1 is the only release", only.Messages[0].Text);
        Assert.Contains("not a successful release", (await bot.SendAsync("rollback web #7")).Messages[0].Text);
    }

    [Fact]
    public async Task A_lock_stops_others_until_unlocked()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        Assert.Contains("Locked web production: \"db migration\"", (await bot.SendAsync("lock web db migration", "alice")).Messages[0].Text);
        var refused = await bot.SendAsync("deploy web", "bob");
        Assert.Contains("locked by alice", refused.Messages[0].Text);
        Assert.Contains("\"db migration\"", refused.Messages[0].Text);
        Assert.True((await bot.SendAsync("deploy web to staging", "bob")).Ok);
        var mine = await bot.SendAsync("deploy web", "alice");
        Assert.True(mine.Ok);
        await bot.WaitFinishedAsync(mine.Started!.Id);
        Assert.Contains("Unlocked web production (it was alice's", (await bot.SendAsync("unlock web", "bob")).Messages[0].Text);
        Assert.True((await bot.SendAsync("deploy web", "bob")).Ok);
    }

    [Fact]
    public async Task A_lock_on_another_environment_is_named_by_its_first_word()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        Assert.Contains("Locked web staging: \"qa\"", (await bot.SendAsync("lock web staging qa")).Messages[0].Text);
        Assert.Contains("locked by alice", (await bot.SendAsync("deploy web to staging", "bob")).Messages[0].Text);
        Assert.True((await bot.SendAsync("deploy web", "bob")).Ok);
    }

    [Fact]
    public async Task A_freeze_holds_every_app_until_unfreeze()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        await bot.SendAsync("freeze release week");
        Assert.Contains("Deploys are frozen by alice", (await bot.SendAsync("deploy api", "bob")).Messages[0].Text);
        Assert.Contains("frozen", (await bot.SendAsync("status")).Messages[0].Text);
        await bot.SendAsync("unfreeze");
        Assert.True((await bot.SendAsync("deploy api", "bob")).Ok);
    }

    [Fact]
    public async Task Unknown_apps_and_environments_get_the_closest_names()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        var app = await bot.SendAsync("deploy wbe main");
        Assert.Equal("I don't know the app `wbe`. Did you mean `web`? Apps: `api`, `web`.", app.Messages[0].Text);
        Assert.Equal("deploy web main", app.Messages[0].ActionList.Single().Command);
        var env = await bot.SendAsync("deploy web to stagign");
        Assert.Contains("Did you mean `staging`?", env.Messages[0].Text);
        var missing = await bot.SendAsync("deploy");
        Assert.Contains("Apps: `api`, `web`", missing.Messages[0].Text);
    }

    [Fact]
    public async Task Deployers_and_channels_limit_who_may_deploy_from_where()
    {
        await using var bot = await TestBot.StartAsync(WebApp(
            ("Apps:web:Deployers:0", "test:alice"), ("Apps:web:Deployers:1", "@ops"), ("Groups:ops:0", "test:carol"),
            ("Apps:api:Channels:0", "test:C-deploys")));
        var bob = await bot.SendAsync("deploy web", "bob");
        Assert.False(bob.Ok);
        Assert.Contains("Your id is `test:bob`", bob.Messages[0].Text);
        Assert.Contains("`Apps:web:Deployers`", bob.Messages[0].Text);
        Assert.True((await bot.SendAsync("status web", "bob")).Ok);
        Assert.True((await bot.SendAsync("deploy web to staging", "carol")).Ok);

        var wrongPlace = await bot.SendAsync("deploy api", "alice", conversation: "C-random");
        Assert.Contains("not handled in this conversation", wrongPlace.Messages[0].Text);
        Assert.True((await bot.SendAsync("deploy api", "alice", conversation: "C-deploys")).Ok);
    }

    [Fact]
    public async Task Every_command_and_its_outcome_is_audited()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        await bot.SendAsync("deploy web main");
        await bot.SendAsync("dpeloy web");
        var log = await bot.Store.AuditLogAsync(null, 10, default);
        Assert.Equal(["dpeloy web", "deploy web main"], log.Select(e => e.Command));
        Assert.StartsWith("refused: I don't know `dpeloy`", log[0].Result);
        Assert.StartsWith("ok: Queued deploy #1", log[1].Result);
        Assert.Equal(("alice", "test", "web"), (log[1].UserName, log[1].Platform, log[1].App));
    }

    [Fact]
    public async Task Status_history_and_help_answer_from_the_store()
    {
        await using var bot = await TestBot.StartAsync(WebApp());
        await bot.DeployAsync("deploy web main");
        Assert.Contains("✅ Live: #1 main", (await bot.SendAsync("status web")).Messages[0].Text);
        var history = (await bot.SendAsync("history web")).Messages[0];
        Assert.StartsWith("#1 ✅ main", history.Lines![0]);
        Assert.EndsWith("← live", history.Lines![0]);
        var help = (await bot.SendAsync("help")).Messages[0].Text;
        Assert.Contains("`deploy <app>", help);
        Assert.DoesNotContain("scale", help);
        Assert.Contains("`promote <app> <from-env> to <to-env>", help);
        Assert.Contains("For example", (await bot.SendAsync("help rollback")).Messages[0].Text);
        Assert.Contains("• `web` (fake) → production, staging", (await bot.SendAsync("apps")).Messages[0].Text);
    }

    /// <summary>Each secret shape, as a build step might print it, and the part of it that must not get through.</summary>
    public static TheoryData<string, string> SecretShapes => new()
    {
        { "configured value: s3cr3t-value-123456", "s3cr3t-value-123456" },
        { "bot token xoxb-123456789012-abcdefABCDEF", "xoxb-123456789012" },
        { "app token xapp-1-A0123-456-abcdef", "xapp-1-A0123" },
        { "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE" },
        { "-----BEGIN RSA PRIVATE KEY-----", "BEGIN RSA PRIVATE KEY" },
        { "DB_PASSWORD=hunter2hunter2 ./migrate", "hunter2hunter2" },
        { "curl -H 'x: 1' https://api.example?token=abcd1234efgh", "abcd1234efgh" },
        { "cloning https://deploy:ghp_abcdef123456@github.com/acme/web.git", "ghp_abcdef123456" },
        { "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig", "eyJhbGciOiJSUzI1NiJ9" },
    };

    [Theory]
    [MemberData(nameof(SecretShapes))]
    public async Task Each_secret_shape_printed_by_a_build_step_reaches_neither_the_store_nor_chat(string printed, string secret)
    {
        await using var bot = await TestBot.StartAsync(WebApp(), services =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, new Bot.Security.Redactor(["s3cr3t-value-123456"])));
        bot.Fake.Output.Add(printed);
        var done = await bot.DeployAsync("deploy web");

        var texts = (await bot.Store.EventsAsync(done.Id, 0, 100, default)).Select(e => e.Text).ToList();
        Assert.Contains(texts, t => t.Contains(Bot.Security.Redactor.Mask));
        Assert.DoesNotContain(texts, t => t.Contains(secret));
        Assert.DoesNotContain(bot.Chat.Cards.SelectMany(c => c.Card.RecentLines), l => l.Contains(secret));
    }

    [Fact]
    public void A_whole_PEM_key_in_one_text_is_masked_whole()
    {
        var text = "key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\ndone";
        Assert.Equal("key:\n[redacted]\ndone", new Bot.Security.Redactor([]).Redact(text));
    }

    [Fact]
    public async Task Secrets_printed_by_a_deploy_never_reach_the_store_or_chat()
    {
        const string secret = "s3cr3t-value-123456";
        await using var bot = await TestBot.StartAsync(WebApp(), services =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, new Bot.Security.Redactor([secret])));
        bot.Fake.Output.Add($"connecting with password {secret}");
        bot.Fake.Output.Add("token xoxb-1234-5678-abcdefghijkl");
        var done = await bot.DeployAsync("deploy web");
        var texts = (await bot.Store.EventsAsync(done.Id, 0, 100, default)).Select(e => e.Text).ToList();
        Assert.DoesNotContain(texts, t => t.Contains(secret) || t.Contains("xoxb-1234"));
        Assert.Contains("connecting with password [redacted]", texts);
        Assert.DoesNotContain(bot.Chat.Cards.SelectMany(c => c.Card.RecentLines), l => l.Contains(secret));
    }
}
