using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Bot.Chat.Slack;

namespace Bot.Tests.Chat.Slack;

/// <summary>
/// Slack's Web API in this process: an <see cref="HttpMessageHandler"/> that answers <c>{ApiBase}{method}</c>, the upload
/// URLs it hands out, and any other URL as a <c>response_url</c>. Every call is checked against Slack's own spec
/// (<see cref="SlackWebSpec"/>); a call that breaks it lands in <see cref="Violations"/> and gets HTTP 400.
/// </summary>
public sealed partial class FakeSlackApi(TimeProvider? time = null) : HttpMessageHandler
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private readonly List<FakeSlackCall> _calls = [];
    private readonly List<string> _violations = [];
    private readonly List<FakeResponsePost> _responsePosts = [];
    private readonly List<FakeUpload> _uploads = [];
    private readonly Dictionary<string, Queue<SlackFault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private long _seq;

    public Uri ApiBase { get; } = new("https://slack.test/api/");
    public string BotToken { get; set; } = "xoxb-1111-2222-fakebottoken";
    public string AppToken { get; set; } = "xapp-1-A0FAKEAPP01-3333-fakeapptoken";
    public string SocketUrl { get; set; } = "wss://wss-primary.slack.test/link/?ticket=fake-ticket&app_id=A0FAKEAPP01";
    public string BotUserId { get; set; } = "U0BOT00001";
    public string BotId { get; set; } = "B0BOT00001";
    public string TeamId { get; set; } = "T0TEAM0001";
    public string Team { get; set; } = "Fake Workspace";

    /// <summary>Settings that point a <see cref="SlackApi"/> at this fake, with its tokens.</summary>
    public SlackOptions Options => new("fake-signing-secret", BotToken, AppToken, ApiBase);

    public IReadOnlyList<FakeSlackCall> Calls { get { lock (_gate) return [.. _calls]; } }
    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }
    public IReadOnlyList<FakeResponsePost> ResponsePosts { get { lock (_gate) return [.. _responsePosts]; } }
    public IReadOnlyList<FakeUpload> Uploads { get { lock (_gate) return [.. _uploads]; } }

    public IReadOnlyList<FakeSlackCall> CallsTo(string method) { lock (_gate) return _calls.Where(c => c.Method == method).ToList(); }

    public void AssertNoViolations()
    {
        var violations = Violations;
        Assert.True(violations.Count == 0, "Calls that break the Slack Web API spec:\n" + string.Join('\n', violations));
    }

    /// <summary>Drops the calls, posts, uploads and messages seen so far (a long run checks them as it goes, then forgets them).</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _calls.Clear();
            _responsePosts.Clear();
            _uploads.Clear();
            _messages.Clear();
            _files.Clear();
            _downloads.Clear();
        }
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> (or <c>upload</c>, <c>response_url</c>) fail so.</summary>
    public void FailNext(string method, SlackFault fault, int times = 1)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(method, out var queue)) _faults[method] = queue = new();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    /// <summary>Calls of <paramref name="method"/> wait, before they are answered, until the returned source is completed.</summary>
    public TaskCompletionSource Hold(string method)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _holds[method] = hold;
        return hold;
    }

    /// <summary>Every later call of <paramref name="method"/> fails so.</summary>
    public void FailAlways(string method, SlackFault fault) => FailNext(method, fault, 1000);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("A request without a URL");
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var mediaType = request.Content?.Headers.ContentType?.MediaType;
        TaskCompletionSource? hold;
        lock (_gate) hold = _holds.GetValueOrDefault(url.AbsolutePath.Split('/')[^1]);
        if (hold is not null) await hold.Task.WaitAsync(cancellationToken);
        lock (_gate)
        {
            if (url.AbsolutePath.StartsWith(UploadPath, StringComparison.Ordinal) && url.Host == ApiBase.Host)
                return Upload(url, request.Method, body);
            if (IsDownload(url)) return Download(url, request);
            if (ApiBase.IsBaseOf(url))
                return ApiCall(url.AbsolutePath[ApiBase.AbsolutePath.Length..], request, body, mediaType);
            return ResponseUrl(url, request, body, mediaType);
        }
    }

    private HttpResponseMessage ApiCall(string method, HttpRequestMessage request, byte[] body, string? mediaType)
    {
        if (SlackWebSpec.Find(method) is not { } spec) return Violation($"{method}: no such method in the Slack Web API");
        var kind = body.Length == 0 ? BodyKind.None : mediaType switch
        {
            "application/json" => BodyKind.Json,
            "application/x-www-form-urlencoded" => BodyKind.Form,
            _ => BodyKind.Other,
        };
        var args = Form(request.RequestUri!.Query.TrimStart('?'));
        try
        {
            var fromBody = kind switch { BodyKind.Json => JsonNode.Parse(body) as JsonObject, BodyKind.Form => Form(Encoding.UTF8.GetString(body)), _ => [] };
            if (fromBody is null) return Violation($"{method}: a JSON body must be an object");
            foreach (var (k, v) in fromBody) args[k] = v?.DeepClone();
        }
        catch (JsonException e)
        {
            return Violation($"{method}: the body is not valid JSON ({e.Message})");
        }
        var token = request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } bearer } ? bearer : (string?)args["token"];
        args.Remove("token");

        var problems = SlackWebSpec.Check(spec, request.Method.Method, kind, args, token);
        if (problems.Count > 0) return Violation(string.Join('\n', problems.Select(p => $"{method} {p}: {args.ToJsonString()}")));
        if (FlowProblem(method, args) is { } flow) return Violation(flow);
        _calls.Add(new FakeSlackCall(++_seq, method, args, token ?? "", _time.GetUtcNow()));
        if (Fault(method) is { } fault) return fault;

        var expected = method == "apps.connections.open" ? AppToken : BotToken;
        if (token != expected)
            return Ok(Refusal(token?.StartsWith("xapp-", StringComparison.Ordinal) == true ? "not_allowed_token_type" : "invalid_auth"));
        return Ok(Answer(method, args));
    }

    private HttpResponseMessage ResponseUrl(Uri url, HttpRequestMessage request, byte[] body, string? mediaType)
    {
        JsonObject? payload = null;
        try { payload = mediaType == "application/json" ? JsonNode.Parse(body) as JsonObject : null; }
        catch (JsonException) { }
        if (payload is null) return Violation($"response_url {url}: the body must be a JSON object, sent as application/json");
        var problems = ResponseUrlProblems(request.Method, payload);
        if (problems.Count > 0) return Violation(string.Join('\n', problems.Select(p => $"response_url {p}: {payload.ToJsonString()}")));
        _responsePosts.Add(new FakeResponsePost(++_seq, url, payload, request.Headers.Authorization is not null, _time.GetUtcNow()));
        return Fault("response_url") ?? Ok(new JsonObject { ["ok"] = true });
    }

    private HttpResponseMessage? Fault(string method)
    {
        if (!_faults.TryGetValue(method, out var queue) || !queue.TryDequeue(out var fault)) return null;
        var response = fault.Error is { } error ? Ok(Refusal(error)) : new HttpResponseMessage() { Content = new StringContent("Internal Server Error") };
        response.StatusCode = (HttpStatusCode)fault.Status;
        if (fault.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        return response;
    }

    private HttpResponseMessage Violation(string what)
    {
        _violations.Add(what);
        var response = Ok(Refusal("invalid_arguments"));
        response.StatusCode = HttpStatusCode.BadRequest;
        return response;
    }

    private static JsonObject Refusal(string error) => new() { ["ok"] = false, ["error"] = error };

    private static HttpResponseMessage Ok(JsonObject body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static JsonObject Form(string encoded)
    {
        var form = HttpUtility.ParseQueryString(encoded);
        var args = new JsonObject();
        foreach (var key in form.AllKeys)
            if (key is not null) args[key] = form[key];
        return args;
    }
}

/// <summary>A Web API call that passed the spec check. <see cref="Seq"/> orders it among uploads and response-url posts.</summary>
public sealed record FakeSlackCall(long Seq, string Method, JsonObject Args, string Token, DateTimeOffset At);

public sealed record FakeResponsePost(long Seq, Uri Url, JsonObject Body, bool HadAuthorization, DateTimeOffset At);

public sealed record FakeUpload(long Seq, string FileId, byte[] Bytes, DateTimeOffset At);

/// <summary>How a scripted call fails: an HTTP status, with Slack's <c>ok:false</c> error and a <c>Retry-After</c> where they apply.</summary>
public sealed record SlackFault(int Status, string? Error, int? RetryAfterSeconds)
{
    public static SlackFault RateLimited(int retryAfterSeconds) => new(429, "ratelimited", retryAfterSeconds);
    public static SlackFault Refuse(string error) => new(200, error, null);
    public static SlackFault ServerError(int status = 500) => new(status, null, null);
}
