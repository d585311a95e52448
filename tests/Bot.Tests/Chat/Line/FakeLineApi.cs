using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Chat.Line;

namespace Bot.Tests.Chat.Line;

/// <summary>
/// LINE's Messaging API in this process: an <see cref="HttpMessageHandler"/> serving reply, push, the loading animation and
/// profiles on <see cref="ApiBase"/>. Every request is checked against LINE's own OpenAPI document (<see cref="LineSpec"/>)
/// and the reference's extra limits; one that breaks them lands in <see cref="Violations"/> and is answered 400 as LINE would.
/// </summary>
public sealed partial class FakeLineApi(TimeProvider? time = null) : HttpMessageHandler
{
    public const string ProfilePath = "/v2/bot/profile/{userId}";
    public const string GroupMemberPath = "/v2/bot/group/{groupId}/member/{userId}";
    public const string RoomMemberPath = "/v2/bot/room/{roomId}/member/{userId}";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private readonly List<FakeLineRequest> _requests = [];
    private readonly List<string> _violations = [];
    private long _seq;

    public Uri ApiBase { get; } = new("https://line.test");

    /// <summary>Stands for <c>https://api-data.line.me</c>, where what people send is downloaded from.</summary>
    public Uri DataBase { get; } = new("https://data.line.test");
    public string AccessToken { get; set; } = "fake-line-channel-access-token";
    public string ChannelSecret { get; set; } = "fake-line-channel-secret";

    /// <summary>Settings that point a <see cref="LineApi"/> at this fake, with its token.</summary>
    public LineOptions Options => new(ChannelSecret, AccessToken, ApiBase, PushesPerDeploy: 2, ProgressAfter: TimeSpan.FromMinutes(2)) { DataApiBase = DataBase };

    /// <summary>Every request that passed the checks, in order, with the status it was answered (scripted failures and refusals too).</summary>
    public IReadOnlyList<FakeLineRequest> Requests { get { lock (_gate) return [.. _requests]; } }
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }

    /// <summary>Replies, pushes and loading animations LINE would have shown: answered 2xx. A push repeated with its retry key shows once.</summary>
    public IReadOnlyList<FakeLineRequest> Replies => Delivered(LineCallKind.Reply);
    public IReadOnlyList<FakeLineRequest> Pushes => Delivered(LineCallKind.Push);
    public IReadOnlyList<FakeLineRequest> Loadings => Delivered(LineCallKind.Loading);
    public int PushesDelivered => Pushes.Count;

    /// <summary>Profile lookups of any of the three paths, found or not.</summary>
    public IReadOnlyList<FakeLineRequest> ProfileLookups => RequestsOf(LineCallKind.Profile);

    public IReadOnlyList<FakeLineRequest> RequestsOf(LineCallKind kind) { lock (_gate) return _requests.Where(r => r.Kind == kind).ToList(); }

    private List<FakeLineRequest> Delivered(LineCallKind kind) { lock (_gate) return _requests.Where(r => r.Kind == kind && r.Delivered).ToList(); }

    /// <summary>Drops the requests seen so far and the reply tokens and retry keys used (a long run checks them as it goes, then forgets them).</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _requests.Clear();
            _usedReplyTokens.Clear();
            _acceptedRetryKeys.Clear();
        }
    }

    public void AssertNoViolations()
    {
        var violations = Violations;
        Assert.True(violations.Count == 0, "Requests that break the LINE Messaging API spec:\n" + string.Join('\n', violations));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (_gate) return Handle(request, body);
    }

    private HttpResponseMessage Handle(HttpRequestMessage request, byte[]? bytes)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("A request without a URL");
        var method = request.Method.Method;
        var onData = DataBase.IsBaseOf(url);
        if (!onData && !ApiBase.IsBaseOf(url)) return Violation($"{method} {url}: not on the fake's bases {ApiBase} and {DataBase}");
        var path = url.AbsolutePath;
        if (LineSpec.Match(path) is not { } match) return Violation($"{method} {path}: no such path in the Messaging API");
        if (!match.Operations.TryGetValue(method, out var op))
            return Violation($"{method} {path}: {match.Template} takes {string.Join(" or ", match.Operations.Keys)}, not {method}");
        var call = $"{method} {match.Template}";
        // The spec names a server per operation where it is not api.line.me: content comes from api-data.line.me only.
        if (onData != (op.Server?.Contains("api-data", StringComparison.Ordinal) == true))
            return Violation($"{call}: served from {op.Server ?? LineOptions.DefaultApiBase.ToString()}, but asked of {url.GetLeftPart(UriPartial.Authority)}");

        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: { Length: > 0 } token })
            return Unauthorized($"{call}: no Authorization: Bearer header");
        if (token != AccessToken) return Unauthorized($"{call}: Bearer '{token}' is not the channel access token");

        var problems = HeaderProblems(request, op);
        var body = ReadBody(request, op, bytes, problems);
        if (body is not null) problems.AddRange(FlowProblems(match.Template, body));
        if (problems.Count > 0) return Violation($"{call}: {string.Join("; ", problems)} — {Excerpt(body)}", problems);

        var retryKey = request.Headers.TryGetValues(LineApi.RetryKeyHeader, out var keys) ? keys.First() : null;
        return Answer(match, body, retryKey);
    }

    /// <summary>LINE's own headers (<c>X-Line-*</c>) must be parameters of the operation, with values of their schema.</summary>
    private static List<LineProblem> HeaderProblems(HttpRequestMessage request, LineSpecOperation op)
    {
        var problems = new List<LineProblem>();
        foreach (var name in request.Headers.Select(h => h.Key).Where(h => h.StartsWith("X-Line-", StringComparison.OrdinalIgnoreCase)))
            if (!op.Headers.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                problems.Add(new(name, $"is not a header of {op.Template}"));
        foreach (var header in op.Headers)
        {
            var values = request.Headers.TryGetValues(header.Name, out var v) ? v.ToList() : [];
            if (values.Count == 0 && header.Required) problems.Add(new(header.Name, "is a required header"));
            foreach (var value in values)
                problems.AddRange(LineSchema.Check(JsonValue.Create(value), header.Schema).Select(p => p with { Property = header.Name }));
        }
        return problems;
    }

    /// <summary>The JSON body, checked against the operation's schema; null (and a problem) when it is missing or malformed.</summary>
    private static JsonObject? ReadBody(HttpRequestMessage request, LineSpecOperation op, byte[]? bytes, List<LineProblem> problems)
    {
        if (op.Body is null)
        {
            if (bytes is { Length: > 0 }) problems.Add(new("", $"{op.Template} takes no body"));
            return null;
        }
        if (bytes is null || bytes.Length == 0)
        {
            if (op.BodyRequired) problems.Add(new("", "a JSON body is required"));
            return null;
        }
        if (request.Content?.Headers.ContentType?.MediaType != "application/json")
        {
            problems.Add(new("", "the body must be sent as application/json"));
            return null;
        }
        JsonObject? body;
        try { body = JsonNode.Parse(bytes) as JsonObject; }
        catch (JsonException e)
        {
            problems.Add(new("", $"the body is not JSON ({e.Message})"));
            return null;
        }
        if (body is null) problems.Add(new("", "the body must be a JSON object"));
        else problems.AddRange(LineSchema.Check(body, op.Body));
        return body;
    }

    private HttpResponseMessage Violation(string what, IReadOnlyList<LineProblem>? problems = null)
    {
        _violations.Add(what);
        problems ??= [new("", what)];
        return Json(HttpStatusCode.BadRequest, new JsonObject
        {
            ["message"] = $"The request body has {problems.Count} error(s)",
            ["details"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject { ["message"] = p.Message, ["property"] = p.Property })]),
        });
    }

    /// <summary>LINE answers a missing or wrong token 401; for the bot that is a bug as much as a malformed body.</summary>
    private HttpResponseMessage Unauthorized(string what)
    {
        _violations.Add(what);
        return Error(HttpStatusCode.Unauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.");
    }

    private static string Excerpt(JsonObject? body) => body?.ToJsonString() is { } json ? json.Length <= 600 ? json : json[..600] + "…" : "";

    private static HttpResponseMessage Error(HttpStatusCode status, string message) => Json(status, new JsonObject { ["message"] = message });

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        response.Headers.Add("x-line-request-id", Guid.NewGuid().ToString("D"));
        return response;
    }
}

public enum LineCallKind { Reply, Push, Loading, Profile, Content }

/// <summary>
/// A request that passed the checks and the <see cref="Status"/> it got; <see cref="Delivered"/> when LINE would have acted on
/// it (which a lost answer hides from the bot). <see cref="Target"/> is the reply token, the push's <c>to</c>, the loading's
/// <c>chatId</c> or the profile's user id. <see cref="Seq"/> orders it among the others.
/// </summary>
public sealed record FakeLineRequest(long Seq, LineCallKind Kind, string Path, string Target, int Status, bool Delivered, DateTimeOffset At,
    JsonObject? Body = null, string? RetryKey = null, string? GroupId = null, string? RoomId = null)
{
    public JsonArray? Messages => Body?["messages"] as JsonArray;
    public int? LoadingSeconds => (int?)Body?["loadingSeconds"];
}

/// <summary>How a scripted request fails: a status, LINE's error message, a <c>Retry-After</c>; after delivery if the answer is what is lost.</summary>
public sealed record LineFault(int Status, string Message, int? RetryAfterSeconds = null, bool AfterDelivery = false)
{
    public static LineFault RateLimited(int? retryAfterSeconds = null) => new(429, "Too Many Requests", retryAfterSeconds);
    public static LineFault ServerError(int status = 500) => new(status, "Internal Server Error");

    /// <summary>LINE acted on the request, but the bot is answered <paramref name="status"/> (a proxy, a timeout on the way back).</summary>
    public static LineFault AnswerLost(int status = 502) => new(status, "Bad Gateway", AfterDelivery: true);
}
