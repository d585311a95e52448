using Bot.Deployments;
using Bot.Deployments.Pushes;
using Bot.Sources;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Pushes;

/// <summary>
/// A bot with the fake target on a real git repository whose <c>main</c> deploys itself to <c>web</c>, a clock the test
/// moves, and CI results the test sets. The gate looks when the test says (<see cref="LookAsync"/>).
/// </summary>
public sealed class PushRig : IAsyncDisposable
{
    private readonly TempDir _dir = new("push");

    private PushRig() => Repo = new GitRepo(_dir["repo"]);

    public GitRepo Repo { get; }
    public TestBot Bot { get; private set; } = null!;
    public FakeChecks Checks { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    public IPushSink Sink => Bot.Services.GetRequiredService<IPushSink>();
    public WaitingDeployments Gate => Bot.Services.GetRequiredService<WaitingDeployments>();

    public GitHubDeployments GitHub => Bot.Services.GetRequiredService<GitHubDeployments>();

    /// <param name="services">More services (a logger to read, a faster retry), added before the bot's own.</param>
    public static async Task<PushRig> StartAsync(Dictionary<string, string?>? more = null, Action<IServiceCollection>? services = null)
    {
        var rig = new PushRig();
        rig.Repo.Commit("first");
        var config = new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Repository"] = rig.Repo.Path,
            ["Apps:web:AutoDeploy"] = "main",
            ["Apps:web:GitHub"] = "acme/web",
            ["Apps:web:Channels:0"] = "test:C9",
            ["Apps:web:Channels:1"] = "test:C1",
            ["People:ana:0"] = "github:ana-gh",
            ["People:ana:1"] = "test:ana",
        };
        foreach (var (k, v) in more ?? []) config[k] = v;
        rig.Bot = await TestBot.StartAsync(config, added =>
        {
            added.AddSingleton<TimeProvider>(rig.Time);
            added.AddSingleton<ICommitChecks>(rig.Checks);
            services?.Invoke(added);
        });
        return rig;
    }

    /// <summary>A push of <c>main</c> at <paramref name="sha"/> as GitHub's webhook tells it.</summary>
    public Task PushAsync(string sha, string via = "webhook", string? before = null, bool forced = false) =>
        Sink.PushedAsync(new Push("acme/web", "main", sha, before, forced, "github:ana-gh", "ana-gh",
            $"https://github.com/acme/web/compare/{before?[..12] ?? "000000000000"}...{sha[..12]}", [new PushedCommit(sha, "subject")], via), default);

    public Task LookAsync() => Gate.LookAsync(default);

    public async Task<IReadOnlyList<Deployment>> AllAsync() => (await Bot.Store.ListAsync("web", null, 50, false, default)).Reverse().ToList();

    public async Task<IReadOnlyList<string>> LinesAsync(long id) =>
        (await Bot.Store.EventsAsync(id, 0, 500, default)).Where(e => e.Kind is LineKind.Notice or LineKind.Warning).Select(e => e.Text).ToList();

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        _dir.Dispose();
    }
}
