using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

/// <summary>
/// Config values given privately in Slack: the Set… form (a modal) and a <c>.env</c> file in a direct message. Whatever the
/// way, the value reaches the target and nothing else: no Slack call, no store row, no audit entry.
/// </summary>
public sealed class SlackConfigTests : IAsyncLifetime
{
    private const string Secret = "some-long-secret-value";
    private static readonly (string, string) SetLines = (SlackConfigModal.SetBlock, SlackConfigModal.SetInput);
    private static readonly (string, string) UnsetNames = (SlackConfigModal.UnsetBlock, SlackConfigModal.UnsetInput);

    private readonly WatchedTime _time = new(DateTimeOffset.UtcNow);
    private readonly FakeSlackApi _slack;
    private readonly FakeConfigTarget _target = new();
    private BotWebHost _host = null!;

    public SlackConfigTests() => _slack = new FakeSlackApi(_time);

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = _slack.ApiBase.ToString(),
            ["Apps:web:Target"] = "fakeconfig",
            ["Apps:web:Channels:0"] = "slack:C0DEPLOY",
            ["Apps:api:Target"] = "fakeconfig",
            ["Apps:api:ConfigEditors:0"] = "slack:U0BOB",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.AddSingleton<TimeProvider>(_time);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _slack));
        });
        _slack.AddUser("U0ALICE", "alice", "Alice Doe");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SettleAsync()
    {
        await _host.Get<BackgroundWork>().IdleAsync();
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<SlackPlatform>().SettleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    /// <summary>Taps Set… in the channel and returns the view that <c>views.open</c> was given.</summary>
    private async Task<JsonObject> OpenFormAsync()
    {
        var tap = await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("config set web"));
        Assert.Equal((HttpStatusCode.OK, ""), (tap.StatusCode, await tap.Content.ReadAsStringAsync()));
        await SettleAsync();
        var open = Assert.Single(_slack.CallsTo("views.open")).Args;
        Assert.False(string.IsNullOrEmpty((string?)open["trigger_id"]));
        return JsonNode.Parse((string)open["view"]!)!.AsObject();
    }

    [Fact]
    public async Task Someone_who_may_not_change_the_config_is_told_so_instead_of_getting_a_form()
    {
        var tap = await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("config set api"));
        Assert.Equal(HttpStatusCode.OK, tap.StatusCode);
        await SettleAsync();
        Assert.Empty(_slack.CallsTo("views.open"));
        var told = Assert.Single(_slack.CallsTo("chat.postEphemeral")).Args;
        Assert.Contains("Only `Apps:api:ConfigEditors` may change the config of api in production", (string?)told["text"]);
    }

    [Fact]
    public async Task Set_opens_a_form_whose_submission_changes_the_config_and_the_value_goes_nowhere_else()
    {
        var view = await OpenFormAsync();
        Assert.Equal("Set config: web", (string?)view["title"]!["text"]);
        Assert.Equal(SlackConfigModal.CallbackId, (string?)view["callback_id"]);
        var metadata = JsonNode.Parse((string)view["private_metadata"]!)!;
        Assert.Equal(("web", "C0DEPLOY", "U0ALICE"), ((string?)metadata["app"], (string?)metadata["channel"], (string?)metadata["user"]));
        Assert.Empty(_slack.CallsTo("chat.postMessage"));

        var submit = await _host.PostSlackAsync("/slack/interactions",
            SlackPayloads.ViewSubmission(view, new Dictionary<(string, string), string?> { [SetLines] = $"SECRET_X={Secret}\n# a comment\nRATE=5", [UnsetNames] = null }));
        // An empty answer closes the modal.
        Assert.Equal((HttpStatusCode.OK, ""), (submit.StatusCode, await submit.Content.ReadAsStringAsync()));
        await SettleAsync();

        var done = await _host.WaitFinishedAsync(1);
        Assert.Equal((DeploymentKind.Config, DeploymentState.Succeeded), (done.Kind, done.State));
        Assert.Equal(Secret, _target.Vars["SECRET_X"]);
        Assert.Equal("5", _target.Vars["RATE"]);
        await SettleAsync();
        var told = Assert.Single(_slack.CallsTo("chat.postEphemeral")).Args;
        Assert.Equal(("C0DEPLOY", "U0ALICE"), ((string?)told["channel"], (string?)told["user"]));
        Assert.Contains("#1", (string?)told["text"]);
        Assert.Contains(_slack.CallsTo("chat.postMessage"), c => (string?)c.Args["channel"] == "C0DEPLOY" && c.Args.ToJsonString().Contains("SECRET_X"));
        await AssertSecretNowhereAsync(Secret);
    }

    [Fact]
    public async Task A_line_that_is_not_key_value_goes_back_to_the_form_without_its_value_and_changes_nothing()
    {
        var view = await OpenFormAsync();
        var submit = await _host.PostSlackAsync("/slack/interactions",
            SlackPayloads.ViewSubmission(view, new Dictionary<(string, string), string?> { [SetLines] = $"SECRET_X={Secret}\n{Secret}" }));
        var answer = JsonNode.Parse(await submit.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", (string?)answer["response_action"]);
        Assert.Equal("line 2 is not KEY=value", (string?)answer["errors"]![SlackConfigModal.SetBlock]);

        var unset = await _host.PostSlackAsync("/slack/interactions",
            SlackPayloads.ViewSubmission(view, new Dictionary<(string, string), string?> { [UnsetNames] = $"OLD={Secret}" }));
        var unsetAnswer = await unset.Content.ReadAsStringAsync();
        Assert.Contains(SlackConfigModal.UnsetBlock, unsetAnswer);
        Assert.DoesNotContain(Secret, unsetAnswer);

        var empty = JsonNode.Parse(await (await _host.PostSlackAsync("/slack/interactions",
            SlackPayloads.ViewSubmission(view, new Dictionary<(string, string), string?> { [SetLines] = null }))).Content.ReadAsStringAsync())!;
        Assert.Equal("errors", (string?)empty["response_action"]);
        await SettleAsync();
        Assert.Empty(await _host.Get<IDeploymentStore>().ListAsync("web", null, 10, false, default));
        Assert.Empty(_target.Changes);
        await AssertSecretNowhereAsync(Secret);
    }

    [Fact]
    public async Task A_env_file_in_a_direct_message_is_read_and_set_when_its_button_is_tapped()
    {
        var file = _slack.ShareFile("F0ENV00001", ".env.production", Encoding.UTF8.GetBytes($"# production\nexport SECRET_X={Secret}\nRATE=\"5\"\n"));
        var shared = await _host.PostSlackAsync("/slack/events", SlackPayloads.FileShare(file, "EvF1").ToJsonString(), "application/json");
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        await SettleAsync();

        Assert.Equal(["F0ENV00001"], _slack.Downloads);
        Assert.Single(_slack.CallsTo("files.info"));
        var answer = Assert.Single(_slack.CallsTo("chat.postMessage")).Args;
        Assert.Equal("D0ALICE", (string?)answer["channel"]);
        Assert.Contains("SECRET_X", (string?)answer["text"]);
        Assert.Contains("RATE", (string?)answer["text"]);
        var buttons = answer["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).ToList();
        var setThem = Assert.Single(buttons, b => (string?)b!["text"]!["text"] == "Set them")!;
        Assert.Equal("config file web in production", (string?)setThem["value"]);
        Assert.NotNull(setThem["confirm"]);
        Assert.Empty(_target.Changes);

        await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction((string)setThem["value"]!, channel: "D0ALICE"));
        await SettleAsync();
        var done = await _host.WaitFinishedAsync(1);
        Assert.Equal((DeploymentKind.Config, DeploymentState.Succeeded), (done.Kind, done.State));
        Assert.Equal((Secret, "5"), (_target.Vars["SECRET_X"], _target.Vars["RATE"]));
        await SettleAsync();
        // The card is in the app's channel, where the team sees the change (by name).
        Assert.Contains(_slack.CallsTo("chat.postMessage"), c => (string?)c.Args["channel"] == "C0DEPLOY");
        await AssertSecretNowhereAsync(Secret);
    }

    [Fact]
    public async Task An_env_file_shared_in_a_channel_is_refused_without_being_downloaded()
    {
        var file = _slack.ShareFile("F0ENV00002", "prod.env", Encoding.UTF8.GetBytes($"SECRET_X={Secret}\n"));
        await _host.PostSlackAsync("/slack/events", SlackPayloads.FileShare(file, "EvF2", channel: "C0DEPLOY").ToJsonString(), "application/json");
        // The same message as a mention (it named the bot) is answered once.
        var mention = SlackPayloads.AppMention("<@U0BOT00001> web", "EvF3");
        mention["event"]!["files"] = new JsonArray((JsonNode)file.DeepClone());
        mention["event"]!["ts"] = SlackPayloads.FileShare(file, "EvF2", channel: "C0DEPLOY")["event"]!["ts"]!.DeepClone();
        await _host.PostSlackAsync("/slack/events", mention.ToJsonString(), "application/json");
        await SettleAsync();

        Assert.Empty(_slack.Downloads);
        Assert.Empty(_slack.CallsTo("files.info"));
        var told = Assert.Single(_slack.CallsTo("chat.postEphemeral")).Args;
        Assert.Equal(("C0DEPLOY", "U0ALICE"), ((string?)told["channel"], (string?)told["user"]));
        Assert.Contains("only read `.env` files in a direct message", (string?)told["text"]);
        Assert.Empty(_target.Changes);
        await AssertSecretNowhereAsync(Secret);
    }

    [Fact]
    public async Task A_file_larger_than_an_env_file_is_not_downloaded()
    {
        var file = _slack.ShareFile("F0ENV00003", ".env", new byte[EnvFiles.MaxBytes + 1]);
        await _host.PostSlackAsync("/slack/events", SlackPayloads.FileShare(file, "EvF4").ToJsonString(), "application/json");
        await SettleAsync();
        Assert.Empty(_slack.Downloads);
        Assert.Contains("larger than 64 KB", (string?)Assert.Single(_slack.CallsTo("chat.postMessage")).Args["text"]);
        _slack.AssertNoViolations();
    }

    /// <summary>The value is in no Slack call (any method, response_url or upload), no event or audit entry, no byte of the store's files.</summary>
    private async Task AssertSecretNowhereAsync(string secret)
    {
        _slack.AssertNoViolations();
        Assert.All(_slack.Calls, c => Assert.DoesNotContain(secret, c.Args.ToJsonString()));
        Assert.All(_slack.ResponsePosts, p => Assert.DoesNotContain(secret, p.Body.ToJsonString()));
        Assert.All(_slack.Uploads, u => Assert.DoesNotContain(secret, Encoding.UTF8.GetString(u.Bytes)));
        var store = _host.Get<IDeploymentStore>();
        foreach (var d in await store.ListAsync("web", null, 50, false, default))
            Assert.All(await store.EventsAsync(d.Id, 0, 1000, default), e => Assert.DoesNotContain(secret, e.Text));
        Assert.All(await store.AuditLogAsync(null, 100, default), a => Assert.DoesNotContain(secret, $"{a.Command} {a.Result}"));
        var files = Directory.EnumerateFiles(_host.DataDir, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal) || f.Contains("sqlite", StringComparison.OrdinalIgnoreCase));
        foreach (var path in files)
        {
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(path); }
            catch (IOException) { continue; }
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{path} holds the value");
        }
    }
}
