using Bot.Chat;
using Bot.Commands;
using Bot.Deployments;
using Bot.Hosting;
using Bot.Targets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Support;

/// <summary>
/// The bot's real services on a temp data folder, with a recording chat platform and, when asked,
/// a <see cref="FakeTarget"/> (kind <c>fake</c>). The job worker and notifier run as they do in serve.
/// </summary>
public sealed class TestBot : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly List<IHostedService> _started = [];

    private TestBot(TempDir dir, ServiceProvider services)
    {
        _dir = dir;
        Services = services;
    }

    public ServiceProvider Services { get; }
    public string DataDir => _dir["data"];
    public CommandHandler Handler => Services.GetRequiredService<CommandHandler>();
    public IDeploymentStore Store => Services.GetRequiredService<IDeploymentStore>();
    public DeploymentFeed Feed => Services.GetRequiredService<DeploymentFeed>();
    public RecordingPlatform Chat => Services.GetRequiredService<RecordingPlatform>();
    public FakeTarget Fake => Services.GetRequiredService<FakeTarget>();

    /// <param name="config">Configuration keys (<c>Apps:web:Target</c> = <c>fake</c> ...).</param>
    public static async Task<TestBot> StartAsync(
        IDictionary<string, string?> config, Action<IServiceCollection>? configure = null, bool worker = true, TempDir? dir = null)
    {
        dir ??= new TempDir("bot");
        var values = new Dictionary<string, string?>(config) { ["DATA_DIR"] = dir["data"] };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<FakeTarget>();
        services.AddSingleton<IDeployTarget>(sp => sp.GetRequiredService<FakeTarget>());
        services.AddSingleton<RecordingPlatform>();
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<RecordingPlatform>());
        configure?.Invoke(services);
        services.AddBotCore(configuration);
        var bot = new TestBot(dir, services.BuildServiceProvider());
        await bot.StartServiceAsync<BotStartup>();
        await bot.StartServiceAsync<DeploymentCards>();
        // Alongside the cards, as in serve: without GITHUB_TOKEN it does nothing.
        await bot.StartServiceAsync<Bot.Deployments.Pushes.GitHubDeployments>();
        if (worker) await bot.StartServiceAsync<JobWorker>();
        return bot;
    }

    private async Task StartServiceAsync<T>() where T : IHostedService
    {
        var service = Services.GetRequiredService<T>();
        await service.StartAsync(CancellationToken.None);
        _started.Add(service);
    }

    public static Origin User(string name = "alice", string platform = "test", string conversation = "C1") =>
        new(platform, conversation, null, name, name);

    public Task<CommandResult> SendAsync(string text, string user = "alice", string conversation = "C1") =>
        Handler.HandleAsync(new ChatRequest(User(user, conversation: conversation), text), CancellationToken.None);

    /// <summary>Waits (without sleeping) until the deployment has ended, as the store sees it, and the chat has been told.</summary>
    public async Task<Deployment> WaitFinishedAsync(long id, int seconds = 30)
    {
        var finished = await WaitStoredAsync(id, seconds);
        await Services.GetRequiredService<DeploymentCards>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(seconds));
        return finished;
    }

    private async Task<Deployment> WaitStoredAsync(long id, int seconds)
    {
        using var updates = Feed.Subscribe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var current = await Store.GetAsync(id, timeout.Token);
        while (current is { IsActive: true })
        {
            var update = await updates.Reader.ReadAsync(timeout.Token);
            if (update.Deployment.Id == id && update.Deployment.IsFinished) current = update.Deployment;
        }
        return current ?? throw new InvalidOperationException($"deployment {id} not found");
    }

    /// <summary>Queues a deploy and waits for it to end.</summary>
    public async Task<Deployment> DeployAsync(string text, string user = "alice")
    {
        var result = await SendAsync(text, user);
        Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
        return await WaitFinishedAsync(result.Started!.Id);
    }

    public async ValueTask DisposeAsync()
    {
        _started.Reverse();
        foreach (var s in _started) await s.StopAsync(CancellationToken.None);
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
