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

namespace Bot.Tests.Support;

/// <summary>
/// GitHub's REST API on a loopback Kestrel port (under <c>/api/v3</c> when it plays GitHub Enterprise Server), for
/// <c>GITHUB_API_URL</c>. Every request is checked against GitHub's own description (<see cref="GitHubRestSpec"/>) and
/// the headers GitHub asks for; one that breaks them lands in <see cref="Violations"/> and is answered as GitHub would
/// (404 for an unknown operation, 422 for a bad body). A test sets each commit's check runs and statuses (and changes
/// them later), reads the deployments and their statuses in the order they came, and can make the next calls fail.
/// </summary>
public sealed partial class FakeGitHub : IAsyncDisposable
{
    public const string Token = "ghp_fakeGitHubToken0123456789abcdef";

    private readonly WebApplication _server;
    private readonly Lock _gate = new();
    private readonly List<FakeGitHubRequest> _requests = [];
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, List<FakeCheckRun>> _runs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<FakeCommitStatus>> _statuses = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeDeployment> _deployments = [];
    private readonly HashSet<string> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private int _failures, _failStatus, _retryAfterSeconds;
    private long _nextId = 1000;

    private FakeGitHub(WebApplication server, string prefix) => (_server, Prefix) = (server, prefix);

    /// <summary><c>""</c> for api.github.com, <c>/api/v3</c> for GitHub Enterprise Server.</summary>
    public string Prefix { get; }

    /// <summary>The base for <c>GITHUB_API_URL</c>: <c>http://127.0.0.1:port</c> plus the prefix.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The bearer token the fake accepts; requests without one are taken for reads (public repositories).</summary>
    public string AcceptedToken { get; set; } = Token;

    public IReadOnlyList<FakeGitHubRequest> Requests { get { lock (_gate) return [.. _requests]; } }
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }
    public IReadOnlyList<FakeDeployment> Deployments { get { lock (_gate) return [.. _deployments]; } }

    public IReadOnlyList<FakeGitHubRequest> Calls(string method, string pathEnd) =>
        Requests.Where(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal)).ToList();

    public void AssertNoViolations()
    {
        var violations = Violations;
        Assert.True(violations.Count == 0, "Requests that break GitHub's REST API:\n" + string.Join('\n', violations));
    }

    /// <summary>A repository the fake knows (any other answers 404, as a private one does to a caller without access).</summary>
    public void AddRepository(string repository)
    {
        lock (_gate) _repositories.Add(repository);
    }

    /// <summary>Sets (replaces) the check runs of <paramref name="sha"/>; later calls see the new ones.</summary>
    public void SetCheckRuns(string repository, string sha, params FakeCheckRun[] runs)
    {
        lock (_gate)
        {
            _repositories.Add(repository);
            _runs[$"{repository}@{sha}"] = [.. runs];
        }
    }

    /// <summary>Sets (replaces) the commit statuses of <paramref name="sha"/>, the newest of each context.</summary>
    public void SetStatuses(string repository, string sha, params FakeCommitStatus[] statuses)
    {
        lock (_gate)
        {
            _repositories.Add(repository);
            _statuses[$"{repository}@{sha}"] = [.. statuses];
        }
    }

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/> (after checking and recording them).</summary>
    public void FailNext(int times, int status, int retryAfterSeconds = 0)
    {
        lock (_gate) (_failures, _failStatus, _retryAfterSeconds) = (times, status, retryAfterSeconds);
    }

    /// <param name="prefix"><c>/api/v3</c> to play GitHub Enterprise Server.</param>
    public static async Task<FakeGitHub> StartAsync(string prefix = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeGitHub(app, prefix);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + prefix);
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var full = request.Path.Value ?? "/";
        if (!full.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            Violation($"{request.Method} {full}: outside {Prefix}/ (the API's base path was lost)");
            await ErrorAsync(context, 404, "Not Found");
            return;
        }
        var path = full[Prefix.Length..];
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        JsonNode? body = null;
        var problems = new List<string>();
        if (buffer.Length > 0)
        {
            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) problems.Add($"a body sent as '{request.ContentType}', not application/json");
            try { body = JsonNode.Parse(buffer.ToArray()); }
            catch (JsonException e) { problems.Add($"the body is not JSON ({e.Message})"); }
        }
        // GitHub answers without these (in its default media type and version), so they are violations but not refusals.
        if (request.Headers.Accept.ToString() != "application/vnd.github+json") Violation($"{request.Method} {path}: Accept is '{request.Headers.Accept}', not application/vnd.github+json");
        if (request.Headers["X-GitHub-Api-Version"].ToString() != "2022-11-28")
            Violation($"{request.Method} {path}: X-GitHub-Api-Version is '{request.Headers["X-GitHub-Api-Version"]}', not 2022-11-28");
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        lock (_gate) _requests.Add(new FakeGitHubRequest(request.Method, path, query, body, authorization));

        // GitHub refuses a request without a User-Agent outright.
        if (request.Headers.UserAgent.Count == 0)
        {
            Violation($"{request.Method} {path}: no User-Agent");
            await ErrorAsync(context, 403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header");
            return;
        }
        var (operation, spec) = GitHubRestSpec.Check(request.Method, path, query, body);
        problems.AddRange(spec);
        if (authorization is not null && authorization != $"Bearer {AcceptedToken}")
        {
            await ErrorAsync(context, 401, "Bad credentials");
            return;
        }
        if (operation is null)
        {
            Violation(string.Join("; ", problems));
            await ErrorAsync(context, 404, "Not Found");
            return;
        }
        if (problems.Count > 0)
        {
            Violation($"{request.Method} {path}: {string.Join("; ", problems)} — {body?.ToJsonString()}");
            await ErrorAsync(context, 422, "Invalid request.", problems);
            return;
        }
        int fail;
        lock (_gate)
        {
            fail = _failures > 0 ? _failStatus : 0;
            if (_failures > 0) _failures--;
            if (fail != 0 && _retryAfterSeconds > 0) context.Response.Headers.RetryAfter = _retryAfterSeconds.ToString();
        }
        if (fail != 0)
        {
            await ErrorAsync(context, fail, fail == 429 ? "API rate limit exceeded" : "Server Error");
            return;
        }
        await AnswerAsync(context, operation, path, query, body, authorization is not null);
    }

    private void Violation(string what)
    {
        lock (_gate) _violations.Add(what);
    }

    /// <summary>GitHub's error body: a message and where its docs are; a 422 lists what failed.</summary>
    private static Task ErrorAsync(HttpContext context, int status, string message, IEnumerable<string>? errors = null)
    {
        var body = new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest", ["status"] = status.ToString() };
        if (errors is not null) body["errors"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["code"] = "invalid", ["message"] = e }).ToArray());
        return WriteJsonAsync(context, status, body);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
