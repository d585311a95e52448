using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Line;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Line;

/// <summary>A <c>.env</c> file sent to the bot in LINE: read in a 1:1 chat (and set after a confirm), refused unread in a group.</summary>
public sealed class LineConfigTests : IAsyncLifetime
{
    private const string Secret = "some-long-secret-value";
    private readonly FakeLineApi _line = new();
    private readonly FakeConfigTarget _target = new();
    private BotWebHost _host = null!;
    private int _events;

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["LINE_CHANNEL_SECRET"] = BotWebHost.LineSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = _line.AccessToken,
            ["LINE_API_URL"] = _line.ApiBase.ToString(),
            ["LINE_DATA_API_URL"] = _line.DataBase.ToString(),
            ["Apps:web:Target"] = "fakeconfig",
            ["Apps:web:Channels:0"] = $"line:{LinePayloads.Group}",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _line));
        });
        _line.AddProfile(LinePayloads.Alice, "Alice");
        _line.AddGroupMember(LinePayloads.Group, LinePayloads.Alice, "Alice");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string NextId() => $"01JC{Interlocked.Increment(ref _events):D22}";

    private async Task SendAsync(JsonObject e)
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.PostLineAsync(LinePayloads.Body(e))).StatusCode);
        await _host.Get<BackgroundWork>().IdleAsync();
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    private static string Texts(FakeLineRequest r) => string.Join('\n', r.Messages!.Select(m => (string?)m!["text"] ?? (string?)m["altText"]));

    [Fact]
    public async Task An_env_file_in_a_one_to_one_chat_is_downloaded_read_and_set_after_a_confirm()
    {
        var bytes = Encoding.UTF8.GetBytes($"SECRET_X={Secret}\nRATE=5\n");
        _line.AddContent("500000000000000001", bytes);
        await SendAsync(LinePayloads.File("500000000000000001", "prod.env", bytes.Length, NextId()));

        Assert.Equal("500000000000000001", Assert.Single(_line.RequestsOf(LineCallKind.Content)).Target);
        var answer = Assert.Single(_line.Replies);
        Assert.Contains("SECRET_X", Texts(answer));
        Assert.Contains("RATE", Texts(answer));
        var data = answer.Messages!.Last()!["quickReply"]!["items"]!.AsArray().Select(i => (string)i!["action"]!["data"]!).ToList();
        var setThem = Assert.Single(data, d => d.StartsWith(LineInbound.ConfirmPrefix + "config file web in production|", StringComparison.Ordinal));
        Assert.Empty(_target.Changes);

        // Tapped: LINE asks the question, Yes runs the command.
        await SendAsync(LinePayloads.Postback(setThem, NextId(), "reply-token-confirm"));
        var yes = _line.Replies[^1].Messages![0]!["template"]!["actions"]!.AsArray().Select(a => (string?)a!["data"]).First(d => d!.StartsWith(LineInbound.CommandPrefix, StringComparison.Ordinal))!;
        await SendAsync(LinePayloads.Postback(yes, NextId(), "reply-token-yes"));
        var done = await _host.WaitFinishedAsync(1);
        Assert.Equal((DeploymentKind.Config, DeploymentState.Succeeded), (done.Kind, done.State));
        Assert.Equal((Secret, "5"), (_target.Vars["SECRET_X"], _target.Vars["RATE"]));

        _line.AssertNoViolations();
        Assert.All(_line.Requests, r => Assert.DoesNotContain(Secret, r.Body?.ToJsonString() ?? ""));
        var store = _host.Get<IDeploymentStore>();
        Assert.All(await store.EventsAsync(done.Id, 0, 1000, default), e => Assert.DoesNotContain(Secret, e.Text));
        Assert.All(await store.AuditLogAsync(null, 100, default), a => Assert.DoesNotContain(Secret, $"{a.Command} {a.Result}"));
    }

    [Fact]
    public async Task An_env_file_in_a_group_is_refused_without_being_downloaded()
    {
        var bytes = Encoding.UTF8.GetBytes($"SECRET_X={Secret}\n");
        _line.AddContent("500000000000000002", bytes);
        await SendAsync(LinePayloads.File("500000000000000002", ".env", bytes.Length, NextId(), source: LinePayloads.Source(LinePayloads.Group)));

        Assert.Empty(_line.RequestsOf(LineCallKind.Content));
        Assert.Contains("only read `.env` files in a direct message", Texts(Assert.Single(_line.Replies)));
        // Any other file in a group is none of the bot's business.
        await SendAsync(LinePayloads.File("500000000000000003", "minutes.pdf", 2048, NextId(), "reply-token-pdf", LinePayloads.Source(LinePayloads.Group)));
        Assert.Single(_line.Replies);
        Assert.Empty(_target.Changes);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_file_larger_than_an_env_file_is_not_downloaded()
    {
        await SendAsync(LinePayloads.File("500000000000000004", ".env", EnvFiles.MaxBytes + 1, NextId()));
        Assert.Empty(_line.RequestsOf(LineCallKind.Content));
        Assert.Contains("larger than 64 KB", Texts(Assert.Single(_line.Replies)));
        _line.AssertNoViolations();
    }
}
