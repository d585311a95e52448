using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// botocore's service models (tests/specs/aws) as a request checker: the operation a request is (by method and URI template
/// for rest-json, by <c>X-Amz-Target</c> for json), then its members — required ones present, none the model does not
/// have, each of the model's type — and the SigV4 credential scope naming the model's signing name.
/// </summary>
public sealed class AwsModel
{
    private readonly JsonObject _model;
    private readonly JsonObject _shapes;

    private AwsModel(string relative)
    {
        _model = (JsonObject)JsonNode.Parse(File.ReadAllText(Specs.PathOf($"aws/{relative}/service-2.json")))!;
        _shapes = (JsonObject)_model["shapes"]!;
    }

    public static readonly AwsModel Lambda = new("lambda/2015-03-31");
    public static readonly AwsModel Logs = new("logs/2014-03-28");
    public static readonly AwsModel CloudWatch = new("cloudwatch/2010-08-01");
    public static readonly AwsModel Ecs = new("ecs/2014-11-13");

    private JsonObject Metadata => (JsonObject)_model["metadata"]!;
    public string SigningName => (string?)Metadata["signingName"] ?? (string)Metadata["endpointPrefix"]!;

    /// <summary>
    /// A request as it goes on the wire, checked against the model of the service its signature names: the operation and
    /// what is wrong with it. An invoke's body is its payload, not members, so it is not read as such.
    /// </summary>
    public static async Task<(string? Operation, List<string> Problems, Dictionary<string, string> Query, JsonObject? Body)> CheckAsync(
        HttpRequestMessage request, CancellationToken ct)
    {
        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        var uri = request.RequestUri!;
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        var auth = headers.GetValueOrDefault("authorization") ?? "";
        var model = auth.Contains("/logs/") ? Logs : auth.Contains("/ecs/") ? Ecs : auth.Contains("/monitoring/") ? CloudWatch : Lambda;
        var isInvoke = uri.AbsolutePath.EndsWith("/invocations", StringComparison.Ordinal);
        var body = bytes.Length > 0 && !isInvoke ? JsonNode.Parse(bytes) as JsonObject : null;
        var (op, problems) = model.Check(request.Method.Method, uri.AbsolutePath, query, headers, body);
        return (op, problems, query, body);
    }

    /// <summary>Which operation a request is and what is wrong with it (empty when nothing).</summary>
    public (string? Operation, List<string> Problems) Check(string method, string path, IReadOnlyDictionary<string, string> query,
        IReadOnlyDictionary<string, string> headers, JsonObject? body)
    {
        var problems = new List<string>();
        var auth = headers.GetValueOrDefault("authorization") ?? "";
        if (!auth.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal) || !auth.Contains($"/{SigningName}/aws4_request", StringComparison.Ordinal))
            problems.Add($"not SigV4-signed for {SigningName}: '{auth}'");
        if (!headers.ContainsKey("x-amz-date")) problems.Add("no X-Amz-Date");

        string? name; JsonObject? op; var uriValues = new Dictionary<string, string>();
        if ((string)Metadata["protocol"]! == "rest-json")
        {
            (name, op) = Operations().FirstOrDefault(o => (string)o.Op["http"]!["method"]! == method && Matches((string)o.Op["http"]!["requestUri"]!, path, uriValues));
            if (op is null) return (null, [$"{method} {path} is no operation of {Metadata["serviceId"]}", .. problems]);
        }
        else
        {
            var target = headers.GetValueOrDefault("x-amz-target") ?? "";
            var prefix = (string)Metadata["targetPrefix"]! + ".";
            name = target.StartsWith(prefix, StringComparison.Ordinal) ? target[prefix.Length..] : null;
            op = name is null ? null : _model["operations"]![name] as JsonObject;
            if (op is null) return (null, [$"X-Amz-Target '{target}' is no operation of {Metadata["serviceId"]}", .. problems]);
            var type = $"application/x-amz-json-{Metadata["jsonVersion"]}";
            if (headers.GetValueOrDefault("content-type")?.StartsWith(type, StringComparison.Ordinal) != true)
                problems.Add($"{name}: Content-Type '{headers.GetValueOrDefault("content-type")}', the model's protocol wants {type}");
            if (method != "POST" || path != "/") problems.Add($"{name}: {method} {path}, the json protocol is POST /");
        }

        var input = op["input"]?["shape"] is { } shapeName ? (JsonObject)_shapes[(string)shapeName!]! : new JsonObject { ["members"] = new JsonObject() };
        var members = (JsonObject)input["members"]!;
        var given = new HashSet<string>();
        foreach (var (member, spec) in members)
        {
            var location = (string?)spec!["location"];
            var wire = (string?)spec["locationName"] ?? member;
            switch (location)
            {
                case "uri" when uriValues.ContainsKey(wire): given.Add(member); break;
                case "querystring" when query.ContainsKey(wire): given.Add(member); break;
                case "header" when headers.TryGetValue(wire.ToLowerInvariant(), out var header):
                    given.Add(member);
                    if (TypeProblem((string)spec["shape"]!, JsonValue.Create(header)) is { } badHeader) problems.Add($"{name}.{member}: {badHeader}");
                    break;
                case null when BodyValue(body, member) is { } value:
                    given.Add(member);
                    if (TypeProblem((string)spec["shape"]!, value) is { } bad) problems.Add($"{name}.{member}: {bad}");
                    break;
            }
        }
        foreach (var key in query.Keys.Where(k => !members.Any(m => (string?)m.Value!["location"] == "querystring" && ((string?)m.Value["locationName"] ?? m.Key) == k)))
            problems.Add($"{name}: query parameter '{key}' is not in the model");
        var payloadMember = (string?)input["payload"];
        if (body is not null && payloadMember is null)
            foreach (var (key, _) in body.Where(kv => members[kv.Key] is null || members[kv.Key]!["location"] is not null))
                problems.Add($"{name}: body member '{key}' is not in the model");
        foreach (var required in (input["required"] as JsonArray ?? []).Select(r => (string)r!))
            if (!given.Contains(required) && required != payloadMember) problems.Add($"{name}: required member '{required}' missing");
        return (name, problems);
    }

    private static JsonNode? BodyValue(JsonObject? body, string member) => body is null ? null : body[member];

    private IEnumerable<(string Name, JsonObject Op)> Operations() =>
        ((JsonObject)_model["operations"]!).Select(kv => (kv.Key, (JsonObject)kv.Value!));

    /// <summary><c>/2015-03-31/functions/{FunctionName}/aliases/{Name}</c> against a path (segments compared decoded).</summary>
    private static bool Matches(string template, string path, Dictionary<string, string> values)
    {
        values.Clear();
        var t = template.Split('?')[0].Trim('/').Split('/');
        var p = path.Trim('/').Split('/');
        if (t.Length != p.Length) return false;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i].StartsWith('{')) values[t[i].Trim('{', '}', '+')] = Uri.UnescapeDataString(p[i]);
            else if (t[i] != p[i]) return false;
        }
        return true;
    }

    /// <summary>A map's key against its shape's <c>pattern</c> (Lambda's variable names: a letter, then at least one more).</summary>
    private string? KeyProblem(string shapeName, string key) =>
        _shapes[shapeName]!["pattern"] is { } pattern && !System.Text.RegularExpressions.Regex.IsMatch(key, $"^(?:{(string)pattern!})$")
            ? $"key '{key}' does not match {shapeName}'s pattern {pattern}" : null;

    private string? TypeProblem(string shapeName, JsonNode value)
    {
        var shape = (JsonObject)_shapes[shapeName]!;
        var kind = value.GetValueKind();
        return (string)shape["type"]! switch
        {
            "string" or "blob" or "timestamp" when kind is System.Text.Json.JsonValueKind.String => shape["enum"] is JsonArray e && !e.Any(x => (string?)x == (string)value!)
                ? $"'{value}' is not one of {e.ToJsonString()}" : null,
            "timestamp" when kind is System.Text.Json.JsonValueKind.Number => null,
            "integer" or "long" or "double" or "float" when kind is System.Text.Json.JsonValueKind.Number => null,
            "boolean" when kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => null,
            "list" when value is JsonArray a => a.Select(x => TypeProblem((string)shape["member"]!["shape"]!, x!)).FirstOrDefault(x => x is not null),
            "map" when value is JsonObject o => o.Select(x => KeyProblem((string)shape["key"]!["shape"]!, x.Key) ?? TypeProblem((string)shape["value"]!["shape"]!, x.Value!))
                .FirstOrDefault(x => x is not null),
            "structure" when value is JsonObject o => o.Select(x => shape["members"]![x.Key] is { } m ? TypeProblem((string)m["shape"]!, x.Value!) : $"member '{x.Key}' is not in {shapeName}")
                .FirstOrDefault(x => x is not null),
            var type => $"a {kind} where the model has {type} ({shapeName})",
        };
    }
}
