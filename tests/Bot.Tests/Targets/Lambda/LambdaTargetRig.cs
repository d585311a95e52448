using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.Lambda;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// The Lambda target alone over a <see cref="FakeAws"/> on a <see cref="WatchedTime"/> clock, with no resilience handler
/// (its timers would run on the fake clock too): the app <c>api</c> deploys <c>ImageUri</c> images, so no build runs.
/// <see cref="DriveAsync"/> moves the clock each time the target waits, so five minutes of polling take milliseconds.
/// </summary>
public sealed class LambdaTargetRig
{
    public LambdaTargetRig(params (string Key, string Value)[] lambda) : this(new Dictionary<string, string>(), lambda)
    {
    }

    /// <param name="app">More keys of the app, below <c>Apps:api</c> (<c>Environments:staging:Lambda:Alias</c>).</param>
    public LambdaTargetRig(IReadOnlyDictionary<string, string> app, params (string Key, string Value)[] lambda)
    {
        var values = new Dictionary<string, string?>
        {
            ["Apps:api:Target"] = "lambda",
            ["Apps:api:Lambda:Function"] = FakeAws.Function,
            ["Apps:api:Lambda:ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:{sha}",
        };
        foreach (var (k, v) in lambda) values[$"Apps:api:Lambda:{k}"] = v;
        foreach (var (k, v) in app) values[$"Apps:api:{k}"] = v;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        _app = AppCatalog.Load(config, ["lambda"]).Find("api")!;
        App = _app.Default;
        var options = AwsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://aws.test", ["AWS_ACCESS_KEY_ID"] = "AKIDTEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret",
        }).Build());
        var aws = new AwsClient(new Clients(Aws), options, new AwsCredentials(options), Time, NullLogger<AwsClient>.Instance);
        Target = new LambdaTarget(new LambdaApi(aws), new CloudWatchApi(aws), aws, new BotOptions(Path.GetTempPath(), new Dictionary<string, IReadOnlyList<string>>(), []), Time);
        Target.Validate(App);
    }

    private readonly AppConfig _app;

    public FakeAws Aws { get; } = new();
    public WatchedTime Time { get; } = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    public AppEnvConfig App { get; }

    /// <summary>The app as it applies to one of its environments.</summary>
    public AppEnvConfig Env(string env) => _app.ByEnv[env];

    /// <summary>What the last <see cref="DriveAsync"/> saw, also when it ended in a failure.</summary>
    public List<DeployEvent> Events { get; private set; } = [];
    public LambdaTarget Target { get; }

    public Task<List<DeployEvent>> DeployAsync(string gitRef = "v1.2", int number = 5, CancellationToken ct = default) =>
        DriveAsync(Target.DeployAsync(new DeployRequest(App, number, gitRef, null, null), ct));

    public Task<List<DeployEvent>> RollbackAsync(string? release = null) =>
        DriveAsync(Target.RollbackAsync(new RollbackRequest(App, 6, release, null, null), CancellationToken.None));

    /// <summary>Runs the events to the end, moving the clock to each timer the target starts; rethrows its failure.</summary>
    public async Task<List<DeployEvent>> DriveAsync(IAsyncEnumerable<DeployEvent> events)
    {
        var seen = Events = [];
        var run = Task.Run(async () =>
        {
            await foreach (var e in events) lock (seen) seen.Add(e);
        });
        var next = Time.NextTimerAsync();
        while (true)
        {
            if (await Task.WhenAny(run, next) == run) break;
            Time.Advance(await next);
            next = Time.NextTimerAsync();
        }
        await run;
        return seen;
    }

    public static List<string> Texts(IEnumerable<DeployEvent> events) => events.Select(e => e switch
    {
        Notice n => n.Text,
        Released r => $"released {r.Release}",
        StepStarted s => $"step {s.Step}",
        StepFinished f => $"done {f.Step}",
        OutputLine o => o.Text,
        _ => e.ToString()!,
    }).ToList();

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
