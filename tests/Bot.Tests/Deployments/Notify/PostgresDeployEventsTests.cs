using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Notify;
using Bot.Deployments.Postgres;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Deployments.Notify;

/// <summary>
/// Two processes on one PostgreSQL send to one webhook: exactly one sends each event (the lease), and a line is read
/// only once the newest seq has stood for the settle time.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDeployEventsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly int _port = Ports.Free();
    private readonly TempDir _dir = new("notify");
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private ServiceProvider _http = null!;

    public Task InitializeAsync()
    {
        _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var o in _owned) await o.DisposeAsync();
        await _http.DisposeAsync();
        _dir.Dispose();
    }

    private DeployEvents Sender(PostgresDeploymentStore store, WorkerIdentity identity)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake", ["Apps:api:Target"] = "fake",
        }).Build();
        var options = new NotifyOptions([new Uri($"http://127.0.0.1:{_port}/hook")], "pg-secret-123456", "deploybot") { Settle = TimeSpan.FromSeconds(2) };
        return new DeployEvents(options, store, new DeploymentFeed(store, FeedOptions.Postgres, _time), AppCatalog.Load(config, ["fake"]), identity,
            new LogLinks(LogLinkOptions.From(config, _dir.Path), _time), Redactor.Default, _http.GetRequiredService<IHttpClientFactory>(), _time,
            NullLogger<DeployEvents>.Instance);
    }

    private static NewDeployment New(string app) =>
        new(app, "production", DeploymentKind.Deploy, "main", null, null, new Origin("slack", "C1", null, "U1", "ana"), null, false, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Two_processes_deliver_each_event_once_after_it_has_settled()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var (a, b) = (PostgresDeploymentStore.FromUrl(url), PostgresDeploymentStore.FromUrl(url));
        _owned.AddRange([a, b]);
        await a.MigrateAsync(default);
        var receiver = await WebhookReceiver.StartAsync(_port);
        _owned.Add(receiver);
        using var first = Sender(a, new WorkerIdentity());
        using var second = Sender(b, new WorkerIdentity(1));
        Assert.True(await first.PrepareAsync(default));

        var web = Assert.IsType<Enqueued>(await a.EnqueueAsync(New("web"), default)).Deployment;
        Assert.IsType<Enqueued>(await b.EnqueueAsync(New("api"), default));
        await b.FinishAsync(web.Id, DeploymentState.Succeeded, null, "r1", null, DateTimeOffset.UtcNow, default);

        // Nothing is read until the newest seq seen has stood for the settle time.
        Assert.Equal(0, await first.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default));
        Assert.Equal(0, await second.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default));
        Assert.Empty(receiver.Delivered);
        _time.Advance(TimeSpan.FromSeconds(3));

        var sent = await Task.WhenAll(first.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default), second.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default));
        Assert.Equal(3, sent.Sum());
        var expected = (await a.StateChangesAsync(0, long.MaxValue, 10, default)).Select(DeployEventBody.Id);
        Assert.Equal(expected, receiver.Delivered.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()));
    }
}
