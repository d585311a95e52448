using System.Net;
using System.Security.Cryptography;
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

namespace Bot.Tests.Targets.CloudRun;

public sealed record FakeGoogleRequest(string Api, string Method, string Path, IReadOnlyDictionary<string, string> Query, JsonNode? Body);

/// <summary>
/// Cloud Build v1, Cloud Run Admin v2 (services and jobs), Cloud Logging v2 and Google's OAuth token endpoint on one loopback Kestrel port
/// (<c>/cloudbuild/</c>, <c>/run/</c>, <c>/logging/</c>, <c>/token</c>), so the bot in this process or a child one reaches it
/// through <c>GOOGLE_*_API_URL</c> and a service-account key whose <c>token_uri</c> is here. Every API request is checked
/// against Google's discovery document of its API (<see cref="GoogleDiscovery"/>) and must carry a token this endpoint
/// issued for a JWT signed with the account's key; one that breaks them lands in <see cref="Violations"/>.
/// </summary>
public sealed partial class FakeGoogleCloud : IAsyncDisposable
{
    public const string Project = "acme-prod";
    public const string Region = "asia-northeast1";
    public const string ClientEmail = "deploybot@acme-prod.iam.gserviceaccount.com";

    private static readonly Dictionary<string, string> Documents = new()
    {
        ["cloudbuild"] = "cloudbuild-v1.json", ["run"] = "run-v2.json", ["logging"] = "logging-v2.json",
    };

    private readonly WebApplication _server;
    private readonly Lock _gate = new();
    private readonly List<FakeGoogleRequest> _requests = [];
    private readonly List<string> _violations = [];
    private readonly HashSet<string> _tokens = [];
    private int _failures;
    private int _failStatus;

    private FakeGoogleCloud(WebApplication server) => _server = server;

    public Uri Url { get; private set; } = null!;
    public RSA Key { get; } = RSA.Create(2048);
    public Uri BuildApi => new(Url, "cloudbuild/");
    public Uri RunApi => new(Url, "run/");
    public Uri LoggingApi => new(Url, "logging/");
    public Uri TokenUri => new(Url, "token");

    /// <summary>How many service-account JWTs were exchanged for tokens.</summary>
    public int TokensIssued { get { lock (_gate) return _tokens.Count; } }

    public IReadOnlyList<FakeGoogleRequest> Requests { get { lock (_gate) return [.. _requests]; } }
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }

    public IReadOnlyList<FakeGoogleRequest> Calls(string api, string method, string pathContains = "") =>
        Requests.Where(r => r.Api == api && r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal)).ToList();

    public void AssertNoViolations()
    {
        var violations = Violations;
        Assert.True(violations.Count == 0, "Requests that break Google's discovery documents:\n" + string.Join('\n', violations));
    }

    /// <summary>Answers the next <paramref name="times"/> API requests with <paramref name="status"/> (a 429 with <c>Retry-After: 0</c>).</summary>
    public void FailNext(int times, int status)
    {
        lock (_gate) (_failures, _failStatus) = (times, status);
    }

    /// <summary>A service-account key file (JSON) for this fake: its key, its email, and the token endpoint here.</summary>
    public string ServiceAccountJson() => new JsonObject
    {
        ["type"] = "service_account", ["project_id"] = Project, ["private_key_id"] = "test-key-1",
        ["private_key"] = Key.ExportPkcs8PrivateKeyPem(), ["client_email"] = ClientEmail, ["client_id"] = "100000000000000000001",
        ["token_uri"] = TokenUri.ToString(),
    }.ToJsonString();

    public static async Task<FakeGoogleCloud> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeGoogleCloud(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        if (path == "/token")
        {
            await TokenAsync(context, Encoding.UTF8.GetString(bytes));
            return;
        }
        var slash = path.IndexOf('/', 1);
        var api = slash > 0 ? path[1..slash] : "";
        if (!Documents.TryGetValue(api, out var document))
        {
            Violation($"{request.Method} {path}: not an API of this fake");
            await ErrorAsync(context, 404, "NOT_FOUND", "no such API");
            return;
        }
        var rest = path[(slash + 1)..];
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        JsonNode? body = null;
        var problems = new List<string>();
        if (bytes.Length > 0)
        {
            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) problems.Add($"a body sent as '{request.ContentType}'");
            try { body = JsonNode.Parse(bytes); }
            catch (JsonException e) { problems.Add($"the body is not JSON ({e.Message})"); }
        }
        var (method, found) = GoogleDiscovery.Of(document).Check(request.Method, rest, query, body);
        problems.AddRange(found);
        var token = request.Headers.Authorization.ToString();
        bool known;
        lock (_gate) known = token.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.Contains(token[7..]);
        lock (_gate) _requests.Add(new FakeGoogleRequest(api, request.Method, rest, query, body));
        if (!known)
        {
            Violation($"{request.Method} {path}: Authorization is not a bearer token from the token endpoint");
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
            return;
        }
        if (problems.Count > 0 || method is null)
        {
            Violation(string.Join("; ", problems) + " — " + body?.ToJsonString());
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", string.Join("; ", problems));
            return;
        }
        var fail = 0;
        lock (_gate)
            if (_failures > 0)
            {
                _failures--;
                fail = _failStatus;
            }
        if (fail != 0)
        {
            if (fail == 429) context.Response.Headers.RetryAfter = "0";
            await ErrorAsync(context, fail, fail == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", fail == 429 ? "Quota exceeded for quota metric 'Requests'." : "The service is currently unavailable.");
            return;
        }
        var (status, answer) = Answer(method.Id, rest, query, body);
        await WriteJsonAsync(context, status, answer);
    }

    private (int, JsonNode) Answer(string method, string path, IReadOnlyDictionary<string, string> query, JsonNode? body)
    {
        lock (_gate)
            return method switch
            {
                "cloudbuild.projects.locations.builds.create" => CreateBuild(path, (JsonObject)body!),
                "cloudbuild.projects.locations.builds.get" => GetBuild(path),
                "cloudbuild.projects.locations.builds.cancel" => CancelBuild(path),
                "run.projects.locations.services.get" => GetService(path),
                "run.projects.locations.services.patch" => PatchService(path, (JsonObject)body!),
                "run.projects.locations.services.revisions.list" => ListRevisions(path),
                "run.projects.locations.services.revisions.get" => GetRevision(path),
                "run.projects.locations.operations.get" => GetOperation(path),
                "run.projects.locations.jobs.run" => RunJob(path, (JsonObject)body!),
                "run.projects.locations.jobs.executions.get" => GetExecution(path),
                "run.projects.locations.jobs.executions.cancel" => CancelExecution(path),
                "logging.entries.list" => ListEntries((JsonObject)body!),
                _ => Error(501, "UNIMPLEMENTED", $"the fake does not answer {method}"),
            };
    }

    private void Violation(string what)
    {
        lock (_gate) _violations.Add(what);
    }

    private static (int, JsonNode) Error(int status, string code, string message) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = code } });

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) => WriteJsonAsync(context, status, Error(status, code, message).Item2);

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        Key.Dispose();
    }
}
