using Bot.Targets.Heroku;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.Extensions.Http.Resilience;

namespace Bot.Tests.Targets.Heroku;

/// <summary>The Platform API client as the bot gets it (from DI, through the resilience handler) on the fake, with time the test moves.</summary>
public sealed class HerokuApiTests : IAsyncLifetime
{
    private readonly WatchedTime _time = new();
    private FakeHerokuApi _heroku = null!;
    private ServiceProvider _services = null!;

    private HerokuApi Api => _services.GetRequiredService<HerokuApi>();

    public async Task InitializeAsync()
    {
        _heroku = await FakeHerokuApi.StartAsync();
        _heroku.AddApp("acme-web");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HEROKU_API_URL"] = _heroku.Url.ToString(),
            ["HEROKU_API_KEY"] = FakeHerokuApi.ApiKey,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        services.AddHeroku(configuration);
        // The standard back-off waits seconds between retries; the tests keep the policy but not the wait.
        services.Configure<HttpStandardResilienceOptions>($"{HerokuApi.ApiClient}-standard", o => o.Retry.Delay = TimeSpan.Zero);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _heroku.DisposeAsync();
    }

    [Fact]
    public async Task A_429_waits_what_Retry_After_says_on_the_injected_clock()
    {
        _heroku.RateLimitNext(1, retryAfterSeconds: 7);

        var call = Api.GetAppAsync("acme-web", default);
        Assert.Equal(TimeSpan.FromSeconds(7), await _time.TimerAsync(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7)));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(7));
        var app = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("acme-web", app.Name);
        Assert.Equal(2, _heroku.Calls("GET", "/apps/acme-web").Count);
        _heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_429_without_Retry_After_backs_off_and_gives_up_after_three_tries()
    {
        _heroku.RateLimitNext(10);

        var call = Api.GetAppAsync("acme-web", default);
        foreach (var seconds in new[] { 2, 4, 8 })
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), await _time.TimerAsync(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds)));
            _time.Advance(TimeSpan.FromSeconds(seconds));
        }
        var e = await Assert.ThrowsAsync<HerokuApiException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(429, e.Status);
        Assert.Equal(1 + HerokuApi.RateLimitRetries, _heroku.Calls("GET", "/apps/acme-web").Count);
    }

    [Fact]
    public async Task Calls_slow_down_when_the_hourly_budget_runs_low()
    {
        _heroku.RateLimitRemaining = 40;
        await Api.GetAppAsync("acme-web", default);
        Assert.Equal(40, Api.RateLimitRemaining);

        var next = Api.GetAppAsync("acme-web", default);
        Assert.Equal(HerokuApi.PaceInterval, await _time.TimerAsync(HerokuApi.PaceInterval, HerokuApi.PaceInterval));
        Assert.False(next.IsCompleted);
        _time.Advance(HerokuApi.PaceInterval);
        await next.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromMilliseconds(800), HerokuApi.PaceInterval);
    }

    [Fact]
    public async Task Server_errors_are_retried_by_the_resilience_handler()
    {
        _heroku.FailNext(2, 503);

        var releases = await Api.ListReleasesAsync("acme-web", 5, default);

        Assert.Equal(5, releases.Count);
        Assert.Equal(3, _heroku.Calls("GET", "/apps/acme-web/releases").Count);
    }

    [Fact]
    public async Task A_build_is_never_started_twice_even_after_a_server_error()
    {
        _heroku.FailNext(1, 503);

        var e = await Assert.ThrowsAsync<HerokuApiException>(() => Api.CreateBuildAsync("acme-web", new HerokuSourceBlob("https://example.com/s.tgz", "abc"), default));

        Assert.Equal(503, e.Status);
        Assert.Single(_heroku.Calls("POST", "/apps/acme-web/builds"));
    }

    [Fact]
    public async Task Heroku_errors_keep_its_id_and_message()
    {
        var e = await Assert.ThrowsAsync<HerokuApiException>(() => Api.GetAppAsync("no-such-app", default));

        Assert.Equal((404, "not_found", "Couldn't find that app."), (e.Status, e.Id, e.Reason));
    }

    [Fact]
    public async Task An_output_stream_that_drops_is_resumed_from_where_it_broke()
    {
        var streams = new DroppingStream("first line\nsecond line\nthird line\n", dropAfter: 15);
        await using var services = new ServiceCollection().AddLogging().AddHeroku(new ConfigurationBuilder().Build())
            .AddHttpClient(HerokuApi.BlobClient).ConfigurePrimaryHttpMessageHandler(() => streams).Services.BuildServiceProvider();
        var stream = new OutputStream(services.GetRequiredService<HerokuApi>(), new Uri("https://build-output.heroku.test/streams/01"));

        var first = await stream.ReadAsync(default).ToListAsync();
        Assert.False(stream.Complete);
        var rest = await stream.ReadAsync(default).ToListAsync();

        Assert.Equal(["first line"], first);
        Assert.Equal(["second line", "third line"], rest);
        Assert.True(stream.Complete);
        Assert.Equal([null, "bytes=11-"], streams.Ranges);
        Assert.All(streams.Authorizations, Assert.Null);
    }

    /// <summary>An output stream whose first connection breaks after <c>dropAfter</c> bytes, inside a line; the next honours Range.</summary>
    private sealed class DroppingStream(string text, int dropAfter) : HttpMessageHandler
    {
        public List<string?> Ranges { get; } = [];
        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Ranges.Add(request.Headers.Range?.ToString());
            Authorizations.Add(request.Headers.Authorization?.ToString());
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            var from = (int)(request.Headers.Range?.Ranges.Single().From ?? 0);
            Stream body = from == 0 ? new Breaking(bytes[..dropAfter]) : new MemoryStream(bytes[from..]);
            return Task.FromResult(new HttpResponseMessage(from == 0 ? HttpStatusCode.OK : HttpStatusCode.PartialContent) { Content = new StreamContent(body) });
        }
    }

    /// <summary>Reads its bytes, then fails as a reset connection does.</summary>
    private sealed class Breaking(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : ValueTask.FromException<int>(new IOException("Connection reset by peer"));
    }
}
