using Bot.Deployments;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Web;

/// <summary>
/// The bot as <c>serve --no-worker</c> (nothing here runs what the test writes to the store) with a known link secret,
/// a public address, a clock the test moves and a redactor that knows one secret.
/// </summary>
public sealed class PageHost : IAsyncDisposable
{
    public const string Secret = "test-log-link-secret-0123456789";
    public const string Hidden = "hunter2-very-secret-value";

    private PageHost(BotWebHost host, FakeTimeProvider time) => (Host, Time) = (host, time);

    public BotWebHost Host { get; }
    public FakeTimeProvider Time { get; }
    public HttpClient Client => Host.Client;
    public IDeploymentStore Store => Host.Get<IDeploymentStore>();
    public LogLinks Links => Host.Get<LogLinks>();

    public static async Task<PageHost> StartAsync(IDictionary<string, string?>? more = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?> { ["LOG_LINK_SECRET"] = Secret, ["BOT_PUBLIC_URL"] = "https://bot.example.com/" };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>()) settings[k] = v;
        var host = await BotWebHost.StartAsync(settings, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton(new Redactor([Hidden]));
        }, worker: false);
        return new PageHost(host, time);
    }

    /// <summary>A deployment of <paramref name="app"/>, running (claimed by a worker that is not there).</summary>
    public async Task<Deployment> RunningAsync(string app = "web")
    {
        var origin = new Origin("slack", "C1", null, "U1", "alice");
        var d = Assert.IsType<Enqueued>(await Store.EnqueueAsync(
            new NewDeployment(app, "production", DeploymentKind.Deploy, "main", "3f2a1c9d00000000000000000000000000000000", "Fix the login <b>form</b>", origin, null, false, Time.GetUtcNow()), default)).Deployment;
        await Store.ClaimAsync("elsewhere:1:1", Time.GetUtcNow(), TimeSpan.FromHours(1), d.Id, default);
        return (await Store.GetAsync(d.Id, default))!;
    }

    public async Task<StoryLine> AppendAsync(Deployment d, LineKind kind, string text)
    {
        Time.Advance(TimeSpan.FromSeconds(1));
        var e = await Store.AppendEventAsync(d.Id, kind, text, Time.GetUtcNow(), default);
        Host.Get<DeploymentFeed>().Wake();
        return e;
    }

    public async Task FinishAsync(Deployment d, DeploymentState state, string? message)
    {
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.FinishAsync(d.Id, state, message, state == DeploymentState.Succeeded ? "r1" : null, null, Time.GetUtcNow(), default);
        Host.Get<DeploymentFeed>().Wake();
    }

    public string PathOf(Deployment d, string? token = null) => $"/d/{d.App}/{d.Number}?t={Uri.EscapeDataString(token ?? Links.DeploymentToken(d.App, d.Number))}";

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
