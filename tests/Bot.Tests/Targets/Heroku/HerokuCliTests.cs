using Bot.Tests.Support;

namespace Bot.Tests.Targets.Heroku;

/// <summary>The real binary against the fake Platform API: <c>send</c> deploys and rolls back, <c>heroku webhooks</c> sets alerts up.</summary>
public sealed class HerokuCliTests : IAsyncLifetime
{
    private const string WebhookSecret = "test-heroku-webhook-secret-0123456789";
    private readonly TempDir _dir = new("heroku-cli");
    private FakeHerokuApi _heroku = null!;
    private GitRepo _repo = null!;

    public async Task InitializeAsync()
    {
        _heroku = await FakeHerokuApi.StartAsync();
        _heroku.AddApp("acme-web");
        _repo = new GitRepo(_dir["repo"]);
        _repo.Commit("Add the app", ("package.json", "{ \"name\": \"acme-web\" }\n"));
    }

    public async Task DisposeAsync()
    {
        await _heroku.DisposeAsync();
        _dir.Dispose();
    }

    private Dictionary<string, string?> Env(params (string Key, string? Value)[] more)
    {
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["USER"] = "tester", ["HEROKU_WEBHOOK_SECRET"] = WebhookSecret, ["BOT_PUBLIC_URL"] = null };
        foreach (var (k, v) in HerokuRig.Config(_heroku, _repo.Path)) env[k.Replace(":", "__")] = v;
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    [Fact]
    public async Task Send_deploy_streams_the_build_and_ends_with_the_release_its_url_and_what_to_do_next_then_rollback_restores_v123()
    {
        var deploy = await BotProcess.RunAsync(Env(), _dir.Path, "send", "deploy web main");

        Assert.True(deploy.Code == 0, deploy.Stdout + deploy.Stderr);
        var url = _heroku.App("acme-web").WebUrl;
        var output = deploy.Stdout;
        Assert.Contains("│ -----> Building on the Heroku-24 stack", output);
        Assert.Contains($"• v124 released: {url}", output);
        var final = output[output.IndexOf("bot> ✅ web #1 → production: live", StringComparison.Ordinal)..];
        Assert.Contains(url, final);
        Assert.Contains("→ logs web in production · rollback web in production", final);
        Assert.True(output.IndexOf("-----> Launching...", StringComparison.Ordinal) < output.IndexOf("v124 released", StringComparison.Ordinal));
        Assert.DoesNotContain(FakeHerokuApi.ApiKey, output + deploy.Stderr);

        var rollback = await BotProcess.RunAsync(Env(), _dir.Path, "send", "rollback web");

        Assert.True(rollback.Code == 0, rollback.Stdout + rollback.Stderr);
        Assert.Contains("Rolling acme-web back to v123", rollback.Stdout);
        Assert.Contains("v123 is live again as v125.", rollback.Stdout);
        Assert.Contains("✅ web #2 → production: rolled back", rollback.Stdout);
        Assert.Equal("Rollback to v123", _heroku.App("acme-web").Current.Description);
        _heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Heroku_webhooks_makes_the_app_webhook_once_and_updates_it_after()
    {
        var first = await BotProcess.RunAsync(Env(), _dir.Path, "heroku", "webhooks", "web", "--url", "https://bot.example.com/");
        var again = await BotProcess.RunAsync(Env(("BOT_PUBLIC_URL", "https://bot.example.com")), _dir.Path, "heroku", "webhooks", "web");

        Assert.True(first.Code == 0, first.Stdout + first.Stderr);
        Assert.Contains("acme-web (web production): created webhook", first.Stdout);
        Assert.Contains("→ https://bot.example.com/alerts/heroku", first.Stdout);
        Assert.True(again.Code == 0, again.Stdout + again.Stderr);
        Assert.Contains("updated webhook", again.Stdout);
        var hook = Assert.Single(_heroku.App("acme-web").Webhooks);
        Assert.Equal("https://bot.example.com/alerts/heroku", hook["url"]!.GetValue<string>());
        Assert.Equal("""["api:build","api:release","dyno"]""", hook["include"]!.ToJsonString());
        Assert.Equal("notify", hook["level"]!.GetValue<string>());
        Assert.Equal(WebhookSecret, hook["secret_seen"]!.GetValue<string>());
        Assert.DoesNotContain(WebhookSecret, first.Stdout + again.Stdout);
        _heroku.AssertNoViolations();
    }

    [Theory]
    [InlineData("HEROKU_WEBHOOK_SECRET", null, "HEROKU_WEBHOOK_SECRET is not set")]
    [InlineData("Apps__web__Target", "shell", "web runs on the shell target, not heroku")]
    public async Task Heroku_webhooks_says_what_is_missing_and_exits_non_zero(string key, string? value, string expected)
    {
        // A shell app carries a Shell section and no Heroku one (another target's section stops startup).
        var env = value == "shell" ? Env((key, value), ("Apps__web__Shell__Deploy", "true"), ("Apps__web__Heroku__App", null)) : Env((key, value));
        var result = await BotProcess.RunAsync(env, _dir.Path, "heroku", "webhooks", "web", "--url", "https://bot.example.com");

        Assert.NotEqual(0, result.Code);
        Assert.Contains(expected, result.Stderr);
        Assert.Empty(_heroku.App("acme-web").Webhooks);
    }

    [Fact]
    public async Task Heroku_webhooks_without_a_url_asks_for_one()
    {
        var result = await BotProcess.RunAsync(Env(), _dir.Path, "heroku", "webhooks", "web");

        Assert.Equal(1, result.Code);
        Assert.Contains("Pass --url https://your-bot.example.com or set BOT_PUBLIC_URL", result.Stderr);
    }
}
