using Bot.Configuration;
using Bot.Sources;
using Bot.Targets;
using Bot.Targets.Ecs;
using Bot.Targets.Lambda;
using Bot.Tests.Support;
using Bot.Tests.Targets.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Targets.Ecs;

/// <summary>The ECS target alone over a <see cref="FakeEcs"/> on a <see cref="WatchedTime"/> clock: app <c>web</c> deploys <c>…/web:{short_sha}</c>.</summary>
public sealed class EcsRig
{
    public EcsRig(params (string Key, string Value)[] ecs) : this(new FakeEcs(), ecs)
    {
    }

    public EcsRig(FakeEcs fake, params (string Key, string Value)[] ecs)
    {
        Ecs = fake;
        var values = new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "ecs", ["Apps:web:Ecs:Cluster"] = "default", ["Apps:web:Ecs:Service"] = "web",
            ["Apps:web:Ecs:Image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:{short_sha}",
        };
        foreach (var (k, v) in ecs) values[$"Apps:web:Ecs:{k}"] = v;
        App = AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), ["ecs"]).Find("web")!.Default;
        var options = AwsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://aws.test", ["AWS_ACCESS_KEY_ID"] = "AKIDTEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret",
        }).Build());
        var aws = new AwsClient(new Clients(Ecs), options, new AwsCredentials(options), Time, NullLogger<AwsClient>.Instance);
        Target = new EcsTarget(new EcsApi(aws), new CloudWatchApi(aws), aws, EcsOptions.Default,
            new BotOptions(Path.GetTempPath(), new Dictionary<string, IReadOnlyList<string>>(), []), Time);
        Target.Validate(App);
    }

    public FakeEcs Ecs { get; }
    public WatchedTime Time { get; } = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    public AppEnvConfig App { get; }
    public EcsTarget Target { get; }
    public List<DeployEvent> Events { get; private set; } = [];
    private Task<TimeSpan>? _next;

    public static ResolvedCommit Commit(string sha) => new("main", sha, "Add orders");

    public Task<List<DeployEvent>> DeployAsync(string sha = "3f2a1c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39", int number = 5, CancellationToken ct = default) =>
        DriveAsync(Target.DeployAsync(new DeployRequest(App, number, "main", Commit(sha), null), ct));

    public Task<List<DeployEvent>> RollbackAsync(string? release) =>
        DriveAsync(Target.RollbackAsync(new RollbackRequest(App, 9, release, null, null), CancellationToken.None));

    /// <summary>Runs the events to the end, moving the clock to each timer the target starts; rethrows its failure.</summary>
    public async Task<List<DeployEvent>> DriveAsync(IAsyncEnumerable<DeployEvent> events, Func<List<DeployEvent>, bool>? stopWhen = null, CancellationTokenSource? cancel = null)
    {
        var seen = Events = [];
        var run = Task.Run(async () =>
        {
            await foreach (var e in events)
            {
                lock (seen) seen.Add(e);
                if (stopWhen?.Invoke(seen) == true) cancel?.Cancel();
            }
        });
        // One look for the next timer is always pending, and carried to the next drive: a fresh one would leave the old
        // one to swallow the first timer of the next run.
        _next ??= Time.NextTimerAsync();
        while (true)
        {
            if (await Task.WhenAny(run, _next) == run) break;
            Time.Advance(await _next);
            _next = Time.NextTimerAsync();
        }
        await run;
        return seen;
    }

    public static List<string> Texts(IEnumerable<DeployEvent> events) => LambdaTargetRig.Texts(events);

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
