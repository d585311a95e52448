using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary>
/// The Lambda design without Lambda: a web-only <c>serve</c> (the real binary) answers a signed Slack <c>/deploy</c>
/// and is frozen (SIGSTOP) right after, as Lambda freezes a function that has answered; a separate
/// <c>bot worker --drain</c> (the worker function) runs the deploy and brings the card to its final state.
/// The frozen serve is then thawed and stopped, and the card must still say what the drain made it say.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LambdaWorkerTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Channel = "C0DEPLOY";
    private readonly TempDir _dir = new("lambda-worker");
    private readonly FakeSlackApi _slack = new();
    private LoopbackHandler _slackServer = null!;

    public async Task InitializeAsync()
    {
        _slack.AddUser("U0ALICE", "alice");
        _slackServer = await LoopbackHandler.StartAsync(_slack, new Uri("https://slack.test/"));
    }

    public async Task DisposeAsync()
    {
        await _slackServer.DisposeAsync();
        _dir.Dispose();
    }

    /// <remarks>
    /// PostgreSQL only, as on Lambda (functions share no disk). On SQLite a process frozen inside a write holds the
    /// file's lock for as long as it is frozen, and every other process waits out its busy timeout.
    /// </remarks>
    [Fact]
    public async Task A_frozen_web_process_queues_and_a_separate_drain_finishes_the_deploy_and_its_card()
    {
        var repo = new GitRepo(_dir["repo"]);
        repo.Commit("App", ("deploy.sh", "echo deployed\n"));
        var port = Ports.Free();
        var databaseUrl = await postgres.NewDatabaseUrlAsync();
        var env = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _dir["data"],
            ["DATABASE_URL"] = databaseUrl,
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = new Uri(_slackServer.Url, "api/").ToString(),
            ["Apps__web__Target"] = "shell",
            ["Apps__web__Repository"] = repo.Path,
            ["Apps__web__Shell__Deploy"] = "sh deploy.sh",
        };

        using var web = BotProcess.Start(env, _dir.Path, null, "serve", "--no-worker");
        await web.WaitForOutputAsync("Now listening on", TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var lateAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _slackServer.Answered += path => { if (path.StartsWith("/commands/", StringComparison.Ordinal)) lateAnswer.TrySetResult(); };
        using var answer = await PostSlashCommandAsync(http, "/deploy", "web");
        var said = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, said);
        // A first command on a busy machine can outlast the 2.5 s budget (the first clone of the repository): the answer
        // is then "Working on it" and the deploy is queued just after. Lambda would freeze it there; see deploy/README.md.
        if (said.Contains("Working on", StringComparison.Ordinal))
        {
            await lateAnswer.Task.WaitAsync(TimeSpan.FromSeconds(60));
            said = _slack.ResponsePosts.Last().Body.ToJsonString();
        }
        Signal(web.Id, "STOP");
        try
        {
            Assert.Contains("#1", said);

            var drain = await BotProcess.RunAsync(env, _dir.Path, "worker", "--drain");

            Assert.True(drain.Code == 0, drain.Stdout + drain.Stderr);
            Assert.Contains("Ran 1 queued job(s)", drain.Stdout);
            Assert.Equal(DeploymentState.Succeeded, (await GetAsync(databaseUrl, 1)).State);
            Assert.Equal("✅ web #1 → production: live", await CardTextAsync(databaseUrl));
        }
        finally
        {
            Signal(web.Id, "CONT");
        }

        // Thawed, the web process delivers whatever it still held and stops; the card stays final and one message.
        Signal(web.Id, "TERM");
        Assert.Equal(0, await web.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var calls = string.Join('\n', _slack.Calls.Select(c => $"{c.Seq} {c.Method} {c.Args["channel"]} {c.Args["ts"]} {c.Args["thread_ts"]} {c.Args["text"]}"));
        Assert.True("✅ web #1 → production: live" == await CardTextAsync(databaseUrl), $"The card went back after the web process was thawed. Slack calls:\n{calls}");
        Assert.Single(_slack.CallsTo("chat.postMessage"), c => (string?)c.Args["channel"] == Channel && c.Args["thread_ts"] is null);
        _slack.AssertNoViolations();
    }

    private async Task<HttpResponseMessage> PostSlashCommandAsync(HttpClient http, string command, string text)
    {
        var body = SlackPayloads.SlashCommand(command, text, channel: Channel).Replace(
            Uri.EscapeDataString("https://hooks.slack.test/commands/T0TEAM/1/abc"),
            Uri.EscapeDataString(new Uri(_slackServer.Url, "commands/T0TEAM/1/abc").ToString()));
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(BotWebHost.SlackSecret, timestamp, bytes));
        return await http.SendAsync(request);
    }

    private static async Task<Deployment> GetAsync(string databaseUrl, long id)
    {
        using var store = PostgresDeploymentStore.FromUrl(databaseUrl);
        return (await store.GetAsync(id, default))!;
    }

    /// <summary>The card of deployment 1 as Slack now shows it, found by the message reference the bot keeps in the store.</summary>
    private async Task<string?> CardTextAsync(string databaseUrl)
    {
        using var store = PostgresDeploymentStore.FromUrl(databaseUrl);
        var note = await store.GetNoteAsync(SlackPlatform.CardNote, "1", default);
        Assert.NotNull(note);
        var (channel, ts) = (note.Split(' ')[0], note.Split(' ')[1]);
        Assert.Equal(Channel, channel);
        return (string?)_slack.MessageAt(channel, ts)?["text"];
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
