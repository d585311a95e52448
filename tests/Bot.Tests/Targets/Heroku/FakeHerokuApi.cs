using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// Heroku's Platform API on a loopback Kestrel port, so the bot in this process or a child one reaches it through
/// <c>HEROKU_API_URL</c>. Every API request is checked against Heroku's schema (<see cref="HerokuSchema"/>), its
/// Accept header and the bearer key; one that breaks them lands in <see cref="Violations"/> and is answered as Heroku
/// would. The URLs it hands out (source <c>put_url</c>, output streams, log sessions) are served here too, outside the
/// API, and must be fetched without the key.
/// </summary>
public sealed partial class FakeHerokuApi : IAsyncDisposable
{
    public const string ApiKey = "heroku-test-key-6f1c2d3e4a5b";

    private readonly WebApplication _server;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly List<FakeHerokuRequest> _requests = [];
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, FakeHerokuApp> _apps = new(StringComparer.Ordinal);
    private int _failures;
    private int _failStatus;
    private int _retryAfterSeconds;

    private FakeHerokuApi(WebApplication server) => _server = server;

    /// <summary>The base URL (<c>http://127.0.0.1:port</c>) for <c>HEROKU_API_URL</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>What the next build prints and how it ends; the release it makes and its release phase.</summary>
    public BuildScript NextBuild { get; set; } = new();

    /// <summary>The release phase a release made from a given slug runs (no lines: none), as <see cref="BuildScript.ReleasePhase"/> does for a build's.</summary>
    public IReadOnlyList<string>? NextSlugReleasePhase { get; set; }

    public bool NextSlugReleaseSucceeds { get; set; } = true;

    /// <summary>Every slug, by id, with the commit it was built from: a slug belongs to no one app, as on Heroku.</summary>
    public Dictionary<string, string?> Slugs { get; } = [];

    /// <summary>What a log session streams.</summary>
    public List<string> LogLines { get; } = [];

    /// <summary>The <c>RateLimit-Remaining</c> every API answer carries.</summary>
    public int RateLimitRemaining { get; set; } = 4400;

    public IReadOnlyList<FakeHerokuRequest> Requests { get { lock (_gate) return [.. _requests]; } }
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }

    public IReadOnlyList<FakeHerokuRequest> Calls(string method, string pathStart) =>
        Requests.Where(r => r.Method == method && r.Path.StartsWith(pathStart, StringComparison.Ordinal)).ToList();

    public void AssertNoViolations()
    {
        var violations = Violations;
        Assert.True(violations.Count == 0, "Requests that break Heroku's Platform API:\n" + string.Join('\n', violations));
    }

    /// <summary>Answers the next <paramref name="times"/> API requests 429, with <c>Retry-After</c> when given.</summary>
    public void RateLimitNext(int times, int retryAfterSeconds = 0) => FailNext(times, 429, retryAfterSeconds);

    /// <summary>Answers the next <paramref name="times"/> API requests with <paramref name="status"/> (after recording them).</summary>
    public void FailNext(int times, int status, int retryAfterSeconds = 0)
    {
        lock (_gate) (_failures, _failStatus, _retryAfterSeconds) = (times, status, retryAfterSeconds);
    }

    public FakeHerokuApp App(string name) { lock (_gate) return _apps[name]; }

    /// <summary>A Heroku app with releases v1..v<paramref name="releases"/> (the last one live) and a web formation.</summary>
    public FakeHerokuApp AddApp(string name, int releases = 123)
    {
        var app = new FakeHerokuApp(name);
        for (var v = 1; v <= releases; v++)
        {
            var release = new FakeRelease(Guid.NewGuid().ToString(), v, v == 1 ? "Initial release" : $"Deploy {v:x7}", "succeeded", v == releases, null);
            if (v > 1) lock (_gate) release.Slug = NewSlug($"{v:x40}");
            app.Releases.Add(release);
        }
        app.Formation.Add(new FakeFormation("web", 1, "Basic"));
        app.Dynos.Add(new FakeDyno("web.1", "web", "up", releases));
        lock (_gate) _apps[name] = app;
        return app;
    }

    private string NewSlug(string? commit)
    {
        var id = Guid.NewGuid().ToString();
        Slugs[id] = commit; // callers hold the gate
        return id;
    }

    public static async Task<FakeHerokuApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeHerokuApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        if (path.StartsWith("/_", StringComparison.Ordinal))
        {
            if (request.Headers.Authorization.Count > 0) Violation($"{request.Method} {path}: the API key was sent to a URL outside the API");
            Record(request.Method, path, null, bytes, request.Headers.Range.ToString());
            await ServeOutsideAsync(context, path, bytes);
            return;
        }

        JsonNode? body = null;
        var problems = new List<string>();
        if (request.Headers.Accept.ToString() != "application/vnd.heroku+json; version=3")
            problems.Add($"Accept is '{request.Headers.Accept}', not application/vnd.heroku+json; version=3");
        if (bytes.Length > 0)
        {
            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) problems.Add($"a body sent as '{request.ContentType}', not application/json");
            try { body = JsonNode.Parse(bytes); }
            catch (JsonException e) { problems.Add($"the body is not JSON ({e.Message})"); }
        }
        problems.AddRange(HerokuSchema.Check(request.Method, path, body));
        if (request.Headers.Authorization.ToString() != $"Bearer {ApiKey}")
        {
            Violation($"{request.Method} {path}: Authorization is not the bearer API key");
            await ErrorAsync(context, 401, "unauthorized", "Invalid credentials provided.");
            return;
        }
        Record(request.Method, path, body, bytes, request.Headers.Range.ToString());
        if (problems.Count > 0)
        {
            Violation($"{request.Method} {path}: {string.Join("; ", problems)} — {body?.ToJsonString()}");
            await ErrorAsync(context, 422, "invalid_params", string.Join("; ", problems));
            return;
        }
        var fail = 0;
        lock (_gate)
        {
            if (_failures > 0)
            {
                _failures--;
                fail = _failStatus;
                if (_retryAfterSeconds > 0) context.Response.Headers.RetryAfter = _retryAfterSeconds.ToString();
            }
        }
        if (fail == 429)
        {
            context.Response.Headers["RateLimit-Remaining"] = "0";
            await ErrorAsync(context, 429, "rate_limit", "Your account reached the API rate limit.");
            return;
        }
        if (fail != 0)
        {
            await ErrorAsync(context, fail, "service_unavailable", "The service is temporarily unavailable.");
            return;
        }
        context.Response.Headers["RateLimit-Remaining"] = RateLimitRemaining.ToString();
        await AnswerAsync(context, request.Method, path, body);
    }

    private void Record(string method, string path, JsonNode? body, byte[] bytes, string range)
    {
        lock (_gate) _requests.Add(new FakeHerokuRequest(method, path, body, bytes, range));
    }

    private void Violation(string what)
    {
        lock (_gate) _violations.Add(what);
    }

    private static Task ErrorAsync(HttpContext context, int status, string id, string message) =>
        WriteJsonAsync(context, status, new JsonObject { ["id"] = id, ["message"] = message });

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        foreach (var app in _apps.Values)
        {
            foreach (var build in app.Builds) build.Gate.TrySetResult();
            foreach (var run in app.Runs) run.Gate.TrySetResult();
        }
        await _server.StopAsync();
        await _server.DisposeAsync();
        _closing.Dispose();
    }
}
