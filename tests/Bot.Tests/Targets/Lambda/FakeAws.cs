using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// Lambda, CloudWatch and CloudWatch Logs as an in-process <see cref="HttpMessageHandler"/>: one function
/// (<see cref="Function"/>, version 1 published, alias <c>live</c> on it) whose state changes as the real one does, and
/// switches for what moto cannot do (an update in progress, a conflict, a failing smoke test). Every request is checked
/// against botocore's model (<see cref="AwsModel"/>); what breaks it lands in <see cref="Violations"/>.
/// </summary>
public sealed class FakeAws : HttpMessageHandler
{
    public const string Function = "acme-api";
    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private readonly List<string> _calls = [];
    private readonly List<JsonObject> _versions = [];
    private int _revision;

    public FakeAws()
    {
        Latest = Config("$LATEST", "");
        _versions.Add(Config("1", "first version"));
        Aliases["live"] = new JsonObject { ["Name"] = "live", ["FunctionVersion"] = "1", ["RevisionId"] = NewRevision() };
    }

    /// <summary>Another alias of the function (another environment's), pointing at <paramref name="version"/>.</summary>
    public void AddAlias(string name, string version)
    {
        lock (_gate) Aliases[name] = new JsonObject { ["Name"] = name, ["FunctionVersion"] = version, ["RevisionId"] = NewRevision() };
    }

    public JsonObject Latest { get; }
    public Dictionary<string, JsonObject> Aliases { get; } = new();
    public Dictionary<string, string> Alarms { get; } = new();
    public List<(long At, string Message)> LogEvents { get; } = [];

    /// <summary>UpdateFunctionCode answers 409 ResourceConflictException this many times first.</summary>
    public int Conflicts { get; set; }

    /// <summary>After an update, this many reads still say InProgress; then <see cref="UpdateFailure"/> or Successful.</summary>
    public int InProgressReads { get; set; }
    public string? UpdateFailure { get; set; }
    public string? SmokeError { get; set; }

    /// <summary>What an invoke answers (when no <see cref="SmokeError"/>), and the log lines its tail holds.</summary>
    public JsonNode? InvokeAnswer { get; set; }
    public List<string> InvokeLog { get; } = [];

    /// <summary>Each invoke's <c>Qualifier</c> and payload.</summary>
    public List<(string? Qualifier, string Payload)> Invocations { get; } = [];

    /// <summary>The last body each operation was sent with.</summary>
    public Dictionary<string, JsonObject> Bodies { get; } = new();

    /// <summary>Publishes <c>$LATEST</c> as it is, as another tool would.</summary>
    public void PublishLatest()
    {
        lock (_gate)
        {
            var version = (JsonObject)Latest.DeepClone();
            version["Version"] = (_versions.Count + 1).ToString();
            version["RevisionId"] = NewRevision();
            _versions.Add(version);
        }
    }

    /// <summary>Sets the same variables on <c>$LATEST</c> and every version published so far.</summary>
    public void SetEnvironment(params (string Name, string Value)[] variables)
    {
        lock (_gate)
            foreach (var config in _versions.Append(Latest))
                config["Environment"] = new JsonObject { ["Variables"] = new JsonObject([.. variables.Select(v => KeyValuePair.Create(v.Name, (JsonNode?)v.Value))]) };
    }

    /// <summary>The variables of <c>$LATEST</c>, or of the version <paramref name="qualifier"/> (an alias or a number) names.</summary>
    public Dictionary<string, string> VariablesOf(string? qualifier = null)
    {
        lock (_gate)
        {
            var version = Resolve(qualifier);
            var config = version is null or "$LATEST" ? Latest : _versions.First(v => (string)v["Version"]! == version);
            return (config["Environment"]?["Variables"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
        }
    }

    /// <summary>Called on each DescribeAlarms (to change alarms or the alias mid-canary).</summary>
    public Action<FakeAws>? OnDescribeAlarms { get; set; }

    private int _pendingReads;

    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }
    public IReadOnlyList<string> Calls { get { lock (_gate) return [.. _calls]; } }
    public IReadOnlyList<JsonObject> Versions { get { lock (_gate) return [.. _versions]; } }
    public string LiveVersion { get { lock (_gate) return (string)Aliases["live"]["FunctionVersion"]!; } }
    public JsonObject? LiveRouting { get { lock (_gate) return Aliases["live"]["RoutingConfig"]?["AdditionalVersionWeights"] as JsonObject is { Count: > 0 } w ? w : null; } }

    public void AssertNoViolations() => Assert.True(Violations.Count == 0, "Requests that break botocore's models:\n" + string.Join('\n', Violations));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (op, problems, query, body) = await AwsModel.CheckAsync(request, cancellationToken);
        var uri = request.RequestUri!;
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        // Outside the lock, so the hook may call the bot's client (as `promote` from another process would).
        if (op == "DescribeAlarms") OnDescribeAlarms?.Invoke(this);
        lock (_gate)
        {
            _calls.Add(op ?? $"{request.Method} {uri.AbsolutePath}");
            if (op is not null && body is not null) Bodies[op] = (JsonObject)body.DeepClone();
            _violations.AddRange(problems);
            return op is null ? Answer(404, new JsonObject { ["message"] = "no such operation" }) : Handle(op, uri.AbsolutePath, query, headers, body, bytes);
        }
    }

    private HttpResponseMessage Handle(string op, string path, Dictionary<string, string> query, Dictionary<string, string> headers, JsonObject? body, byte[] raw)
    {
        var alias = path.Contains("/aliases/") ? Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]) : null;
        switch (op)
        {
            case "GetFunction":
                return Answer(200, new JsonObject { ["Configuration"] = Read().DeepClone(), ["Code"] = new JsonObject { ["RepositoryType"] = "S3" } });
            case "GetFunctionConfiguration":
                if (Resolve(query.GetValueOrDefault("Qualifier")) is { } q && q != "$LATEST")
                    return _versions.FirstOrDefault(v => (string)v["Version"]! == q) is { } v ? Answer(200, v.DeepClone()) : Error(404, "ResourceNotFoundException", $"version {q} not found");
                return Answer(200, Read().DeepClone());
            case "UpdateFunctionCode":
                if (Conflicts > 0) { Conflicts--; return Error(409, "ResourceConflictException", "An update is in progress for resource: " + Function); }
                if ((string?)body!["RevisionId"] is { } rev && rev != (string)Latest["RevisionId"]!) return Error(412, "PreconditionFailedException", "revision mismatch");
                Latest["CodeSha256"] = Convert.ToBase64String(SHA256.HashData(body["ZipFile"] is { } z ? Convert.FromBase64String((string)z!) : Encoding.UTF8.GetBytes((string?)body["ImageUri"] ?? "")));
                Latest["CodeSize"] = body["ZipFile"] is { } zz ? Convert.FromBase64String((string)zz!).Length : 0;
                Latest["RevisionId"] = NewRevision();
                _pendingReads = InProgressReads;
                Latest["LastUpdateStatus"] = _pendingReads > 0 ? "InProgress" : UpdateFailure is null ? "Successful" : "Failed";
                if (_pendingReads == 0 && UpdateFailure is not null) Latest["LastUpdateStatusReason"] = UpdateFailure;
                return Answer(200, Latest.DeepClone());
            case "UpdateFunctionConfiguration":
                if ((string)Latest["LastUpdateStatus"]! == "InProgress") return Error(409, "ResourceConflictException", "An update is in progress for resource: " + Function);
                if ((string?)body!["RevisionId"] is { } crev && crev != (string)Latest["RevisionId"]!) return Error(412, "PreconditionFailedException", "revision mismatch");
                if (body["Environment"] is JsonObject environment) Latest["Environment"] = environment.DeepClone();
                Latest["RevisionId"] = NewRevision();
                _pendingReads = InProgressReads;
                Latest["LastUpdateStatus"] = _pendingReads > 0 ? "InProgress" : UpdateFailure is null ? "Successful" : "Failed";
                if (_pendingReads == 0 && UpdateFailure is not null) Latest["LastUpdateStatusReason"] = UpdateFailure;
                return Answer(200, Latest.DeepClone());
            case "PublishVersion":
                if ((string)Latest["LastUpdateStatus"]! == "InProgress") return Error(409, "ResourceConflictException", "update in progress");
                if ((string?)body?["RevisionId"] is { } r && r != (string)Latest["RevisionId"]!) return Error(412, "PreconditionFailedException", "revision mismatch");
                var version = Config((_versions.Count + 1).ToString(), (string?)body?["Description"] ?? "");
                version["CodeSize"] = Latest["CodeSize"]?.DeepClone();
                version["CodeSha256"] = Latest["CodeSha256"]?.DeepClone();
                if (Latest["Environment"] is { } env) version["Environment"] = env.DeepClone();
                _versions.Add(version);
                return Answer(201, version.DeepClone());
            case "GetAlias":
                return Aliases.TryGetValue(alias!, out var a) ? Answer(200, a.DeepClone()) : Error(404, "ResourceNotFoundException", $"alias {alias} not found");
            case "UpdateAlias":
                var existing = Aliases[alias!];
                if ((string?)body!["RevisionId"] is { } ar && ar != (string)existing["RevisionId"]!) return Error(412, "PreconditionFailedException", "alias revision mismatch");
                existing["FunctionVersion"] = body["FunctionVersion"]?.DeepClone();
                existing["RoutingConfig"] = body["RoutingConfig"]?.DeepClone();
                existing["RevisionId"] = NewRevision();
                return Answer(200, existing.DeepClone());
            case "ListVersionsByFunction":
                return Answer(200, new JsonObject { ["Versions"] = new JsonArray([Latest.DeepClone(), .. _versions.Select(v => v.DeepClone())]) });
            case "ListAliases":
                return Answer(200, new JsonObject { ["Aliases"] = new JsonArray([.. Aliases.Values.Select(v => v.DeepClone())]) });
            case "Invoke":
                var ran = Resolve(query.GetValueOrDefault("Qualifier")) ?? "$LATEST";
                Invocations.Add((query.GetValueOrDefault("Qualifier"), Encoding.UTF8.GetString(raw)));
                var answer = Answer(200, SmokeError is null ? InvokeAnswer?.DeepClone() ?? new JsonObject { ["ok"] = true } : new JsonObject { ["errorMessage"] = SmokeError, ["errorType"] = "Error" });
                if (SmokeError is not null) answer.Headers.Add("X-Amz-Function-Error", "Unhandled");
                answer.Headers.Add("X-Amz-Executed-Version", ran);
                if (headers.GetValueOrDefault("x-amz-log-type") == "Tail")
                    answer.Headers.Add("X-Amz-Log-Result", Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Concat(InvokeLog.Select(l => l + "\n")))));
                return answer;
            case "FilterLogEvents":
                var start = (long?)body?["startTime"] ?? 0;
                return Answer(200, new JsonObject
                {
                    ["events"] = new JsonArray([.. LogEvents.Where(e => e.At >= start).Select((e, i) => (JsonNode)new JsonObject
                        { ["timestamp"] = e.At, ["message"] = e.Message, ["logStreamName"] = "s", ["eventId"] = i.ToString() })]),
                });
            case "DescribeAlarms":
                var names = (body?["AlarmNames"] as JsonArray ?? []).Select(n => (string)n!).ToHashSet();
                return Answer(200, new JsonObject
                {
                    ["MetricAlarms"] = new JsonArray([.. Alarms.Where(a => names.Contains(a.Key)).Select(a => (JsonNode)new JsonObject
                        { ["AlarmName"] = a.Key, ["StateValue"] = a.Value, ["StateReason"] = $"Threshold crossed ({a.Value})", ["StateUpdatedTimestamp"] = 1.7e9 })]),
                });
            default:
                return Error(400, "InvalidAction", op);
        }
    }

    /// <summary>An alias name as the version it points at; a version or <c>$LATEST</c> as it is.</summary>
    private string? Resolve(string? qualifier) =>
        qualifier is not null && Aliases.TryGetValue(qualifier, out var a) ? (string)a["FunctionVersion"]! : qualifier;

    /// <summary>$LATEST as a read sees it: the in-progress reads count down.</summary>
    private JsonObject Read()
    {
        if ((string)Latest["LastUpdateStatus"]! == "InProgress" && --_pendingReads <= 0)
        {
            Latest["LastUpdateStatus"] = UpdateFailure is null ? "Successful" : "Failed";
            if (UpdateFailure is not null) Latest["LastUpdateStatusReason"] = UpdateFailure;
        }
        return Latest;
    }

    private JsonObject Config(string version, string description) => new()
    {
        ["FunctionName"] = Function, ["Version"] = version, ["Description"] = description, ["State"] = "Active", ["LastUpdateStatus"] = "Successful",
        ["RevisionId"] = NewRevision(), ["CodeSha256"] = "c2hh", ["CodeSize"] = 1234, ["Runtime"] = "python3.12", ["LastModified"] = "2026-12-01T10:00:00.000+0000",
    };

    private string NewRevision() => $"rev-{++_revision}";

    private static HttpResponseMessage Answer(int status, JsonNode body) =>
        new((HttpStatusCode)status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Error(int status, string code, string message)
    {
        var answer = Answer(status, new JsonObject { ["Type"] = "User", ["message"] = message });
        answer.Headers.TryAddWithoutValidation("X-Amzn-ErrorType", $"{code}:http://internal.amazon.com/coral/com.amazonaws.awslambda/");
        return answer;
    }
}
