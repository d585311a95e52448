using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Npgsql;

namespace Bot.Tests.Deployments;

/// <summary>
/// Several real <c>bot</c> processes (from the built binary) on one store: <c>serve</c> replicas on ports of their own,
/// <c>worker</c>s, one-off <c>send</c>s, each with a data folder of its own, all talking to one fake Slack on a
/// loopback port. The test reads the store and the fake's record of calls to see what happened.
/// </summary>
public sealed class ProcessRig : IAsyncDisposable
{
    private readonly List<BotProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private LoopbackHandler? _server;

    private ProcessRig(TempDir dir, string? databaseUrl) => (Dir, DatabaseUrl) = (dir, databaseUrl);

    public TempDir Dir { get; }
    public string? DatabaseUrl { get; }
    public FakeSlackApi Slack { get; } = new();
    public string ConfigPath => Dir["bot.json"];
    public Dictionary<int, BotProcess> ByPid { get; } = [];

    /// <summary>More environment for every process started from now on (a link secret, the public address).</summary>
    public Dictionary<string, string?> Extra { get; } = [];

    /// <param name="apps">The <c>Apps</c> section as JSON.</param>
    public static async Task<ProcessRig> StartAsync(string? databaseUrl, JsonObject apps)
    {
        var rig = new ProcessRig(new TempDir("procs"), databaseUrl);
        File.WriteAllText(rig.ConfigPath, new JsonObject { ["Apps"] = apps }.ToJsonString());
        rig._server = await LoopbackHandler.StartAsync(rig.Slack, new Uri("https://slack.test/"));
        return rig;
    }

    public Dictionary<string, string?> Env(string name)
    {
        var env = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = DatabaseUrl,
            ["DATA_DIR"] = DatabaseUrl is null ? Dir["data"] : Dir[$"data-{name}"],
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = Slack.BotToken,
            ["SLACK_API_URL"] = new Uri(_server!.Url, "api/").ToString(),
        };
        foreach (var (k, v) in Extra) env[k] = v;
        return env;
    }

    /// <summary>A <c>serve</c> replica, ready (its <c>/healthz</c> answers); returns its port.</summary>
    public async Task<(BotProcess Process, int Port)> ServeAsync(string name, params string[] more)
    {
        var port = Ports.Free();
        var env = Env(name);
        env["PORT"] = port.ToString();
        var process = Track(BotProcess.Start(env, Dir.Path, null, ["serve", "--config", ConfigPath, .. more]));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                if ((await _http.GetAsync($"http://127.0.0.1:{port}/readyz", patience.Token)).IsSuccessStatusCode) return (process, port);
            }
            catch (HttpRequestException) when (!process.HasExited) { /* not listening yet */ }
            if (process.HasExited) throw new InvalidOperationException($"serve {name} exited: {process.Stderr}");
            await Task.Delay(50, patience.Token);
        }
    }

    public BotProcess Worker(string name) => Track(BotProcess.Start(Env(name), Dir.Path, null, "worker", "--config", ConfigPath));

    public Task<(int Code, string Stdout, string Stderr)> SendAsync(string name, string text) =>
        BotProcess.RunAsync(Env(name), Dir.Path, "send", text, "--config", ConfigPath);

    private BotProcess Track(BotProcess process)
    {
        _processes.Add(process);
        ByPid[process.Id] = process;
        return process;
    }

    /// <summary>A slash command, signed as Slack signs it, to one replica.</summary>
    public async Task<HttpResponseMessage> CommandAsync(int port, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/slack/commands") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(BotWebHost.SlackSecret, timestamp, bytes));
        return await _http.SendAsync(request);
    }

    public static string Deploy(string app, string? trigger = null) =>
        SlackPayloads.SlashCommand("/deploy", app, trigger: trigger ?? $"{Guid.NewGuid():N}.1.x");

    public PostgresDeploymentStore Store() => PostgresDeploymentStore.FromUrl(DatabaseUrl!);

    /// <summary>Waits until <paramref name="probe"/> gives a value (the store and the processes move on their own).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan patience, string what)
    {
        using var limit = new CancellationTokenSource(patience);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (limit.IsCancellationRequested) throw new TimeoutException($"waited {patience} for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>The process that holds a deployment's job now (its owner is <c>host:pid:start</c>).</summary>
    public async Task<BotProcess?> RunnerOfAsync(long deploymentId)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(DatabaseUrl!));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner FROM jobs WHERE deployment_id = @id AND state = 'running'", connection);
        command.Parameters.AddWithValue("id", deploymentId);
        return await command.ExecuteScalarAsync() is string owner && int.TryParse(owner.Split(':')[1], out var pid) ? ByPid.GetValueOrDefault(pid) : null;
    }

    /// <summary>The card messages posted for a deployment (not its thread of output lines), and the text of its latest edit.</summary>
    public (int Posts, string? Latest) CardOf(string app, int number)
    {
        var title = $"{app} #{number} →";
        var posts = Slack.CallsTo("chat.postMessage").Where(c => c.Args["thread_ts"] is null && (c.Args["text"]?.ToString() ?? "").Contains(title)).ToList();
        var latest = Slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update" && c.Args["thread_ts"] is null
            && (c.Args["text"]?.ToString() ?? "").Contains(title)).LastOrDefault();
        return (posts.Count, latest?.Args["text"]?.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes) p.Dispose();
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        Dir.Dispose();
    }
}
