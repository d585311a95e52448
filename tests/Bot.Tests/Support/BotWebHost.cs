using System.Net.Http.Headers;
using System.Text;
using Bot.Chat.Slack;
using Bot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Support;

/// <summary>The whole bot as <c>serve</c> runs it, on an in-memory test server, with settings and fakes from the test.</summary>
public sealed class BotWebHost : IAsyncDisposable
{
    public const string SlackSecret = "test-slack-signing-secret";
    public const string LineSecret = "test-line-channel-secret";

    private readonly WebApplication _app;
    private readonly TempDir _dir;

    private BotWebHost(WebApplication app, TempDir dir)
    {
        _app = app;
        _dir = dir;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public string DataDir => _dir["data"];
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <param name="worker">False runs it as <c>serve --no-worker</c>: nothing here claims what the test puts in the store.</param>
    public static async Task<BotWebHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? replace = null, bool worker = true)
    {
        var dir = new TempDir("web");
        var values = new Dictionary<string, string?>(settings) { ["DATA_DIR"] = dir["data"] };
        var app = ServeCommand.Build(new BotCli("serve", null, null, null, null, []) { NoWorker = !worker }, b =>
        {
            b.WebHost.UseTestServer();
            b.Configuration.AddInMemoryCollection(values);
            b.Logging.ClearProviders();
        }, replace);
        await app.StartAsync();
        // The worker's first look at the store runs as the host starts; a test's first command must not race it (the
        // worker could then start the job before "queued" was told, and the card would open on "deploying").
        if (worker) await app.Services.GetRequiredService<Bot.Deployments.JobWorker>().FirstPassDone.WaitAsync(TimeSpan.FromSeconds(30));
        return new BotWebHost(app, dir);
    }

    /// <summary>Waits (without sleeping) until the deployment has ended, as this host's feed and store see it.</summary>
    public async Task<Bot.Deployments.Deployment> WaitFinishedAsync(long id)
    {
        using var updates = Get<Bot.Deployments.DeploymentFeed>().Subscribe();
        var d = await Get<Bot.Deployments.IDeploymentStore>().GetAsync(id, default);
        while (d!.IsActive)
        {
            var u = await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (u.Deployment.Id == id) d = u.Deployment;
        }
        return d;
    }

    /// <summary>Posts a body signed as Slack would sign it (or with the given signature/timestamp).</summary>
    public Task<HttpResponseMessage> PostSlackAsync(string path, string body, string contentType = "application/x-www-form-urlencoded",
        DateTimeOffset? at = null, string? signature = null, IDictionary<string, string>? headers = null)
    {
        var timestamp = (at ?? Get<TimeProvider>().GetUtcNow()).ToUnixTimeSeconds().ToString();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature ?? SlackSignature.Sign(SlackSecret, timestamp, bytes));
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        return Client.SendAsync(request);
    }

    /// <summary>Posts a LINE webhook body signed with <paramref name="secret"/> (or with the given signature; null leaves the header out).</summary>
    public Task<HttpResponseMessage> PostLineAsync(string body, string secret = LineSecret, string? signature = "", string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/line/webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (signature is not null)
            request.Headers.TryAddWithoutValidation("X-Line-Signature", signature.Length > 0 ? signature : Bot.Chat.Line.LineSignature.Sign(secret, bytes));
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
