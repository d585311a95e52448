using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Chat.Slack;

public sealed record SpecParam(string Name, string Type, bool Required);

/// <summary>One Web API method as Slack documents it: which HTTP methods and bodies it takes, and its arguments.</summary>
public sealed record SpecMethod(string Name, bool Get, bool TakesJson, bool TokenRequired, IReadOnlyDictionary<string, SpecParam> Params, string? TokenPrefix = null);

/// <summary>
/// Slack's official Web API description (Swagger 2.0, tests/specs/slack/slack_web_openapi_v2.json), read once and
/// indexed by method name, plus the three methods the bot uses that are newer than that document.
/// </summary>
public static class SlackWebSpec
{
    public static string FilePath { get; } =
        Specs.PathOf("slack/slack_web_openapi_v2.json");

    private static readonly Lazy<IReadOnlyDictionary<string, SpecMethod>> Methods = new(Load);

    public static SpecMethod? Find(string method) => Methods.Value.GetValueOrDefault(method);

    public static int Count => Methods.Value.Count;

    private static Dictionary<string, SpecMethod> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        var methods = new Dictionary<string, SpecMethod>(StringComparer.Ordinal);
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            // Each path has exactly one operation in this document: either get or post.
            foreach (var op in path.Value.EnumerateObject())
            {
                var consumes = op.Value.TryGetProperty("consumes", out var c) ? c.EnumerateArray().Select(x => x.GetString()).ToList() : [];
                var all = op.Value.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().Select(Param).ToList() : [];
                var token = all.FirstOrDefault(p => p.Name == "token");
                var name = path.Name.TrimStart('/');
                methods[name] = new SpecMethod(name, op.Name == "get", consumes.Contains("application/json"), token?.Required == true,
                    all.Where(p => p.Name != "token").ToDictionary(p => p.Name));
            }
        }
        foreach (var m in Newer) methods[m.Name] = m;
        return methods;
    }

    private static SpecParam Param(JsonElement p) =>
        new(p.GetProperty("name").GetString()!, p.GetProperty("type").GetString()!, p.TryGetProperty("required", out var r) && r.GetBoolean());

    /// <summary>From Slack's method reference pages (api.slack.com/methods/...), which postdate the Swagger document.</summary>
    private static readonly SpecMethod[] Newer =
    [
        new("apps.connections.open", Get: false, TakesJson: false, TokenRequired: true, Args(), TokenPrefix: "xapp-"),
        new("files.getUploadURLExternal", Get: false, TakesJson: false, TokenRequired: true, Args(
            new("filename", "string", true), new("length", "integer", true), new("alt_txt", "string", false), new("snippet_type", "string", false))),
        new("files.completeUploadExternal", Get: false, TakesJson: true, TokenRequired: true, Args(
            new("files", "string", true), new("channel_id", "string", false), new("channels", "string", false),
            new("thread_ts", "string", false), new("initial_comment", "string", false), new("blocks", "string", false))),
    ];

    private static Dictionary<string, SpecParam> Args(params SpecParam[] args) => args.ToDictionary(a => a.Name);

    /// <summary>Arguments the spec types as strings that carry JSON: a JSON body may give them as the array itself.</summary>
    private static readonly HashSet<string> JsonEncoded = ["blocks", "attachments", "files"];

    /// <summary>What is wrong with a call, in words; empty when it is what Slack documents.</summary>
    public static List<string> Check(SpecMethod m, string httpMethod, BodyKind body, JsonObject args, string? token)
    {
        var problems = new List<string>();
        if (httpMethod == "GET" && !m.Get) problems.Add("is POST-only, but was sent with GET");
        else if (httpMethod is not ("GET" or "POST")) problems.Add($"takes GET or POST, not {httpMethod}");
        if (body == BodyKind.Json && !m.TakesJson) problems.Add("does not take a JSON body (send it form-encoded)");
        if (body == BodyKind.Other) problems.Add("was sent a body that is neither JSON nor form-encoded");
        if (m.TokenRequired && string.IsNullOrEmpty(token)) problems.Add("needs a token (Authorization: Bearer, or a token argument)");
        if (m.TokenPrefix is { } prefix && token is not null && !token.StartsWith(prefix, StringComparison.Ordinal))
            problems.Add($"needs a token starting with {prefix}");
        foreach (var p in m.Params.Values.Where(p => p.Required))
            if (!args.TryGetPropertyValue(p.Name, out var v) || v is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>() == "")
                problems.Add($"lacks the required argument '{p.Name}'");
        foreach (var (name, value) in args)
        {
            if (!m.Params.TryGetValue(name, out var p)) problems.Add($"has no argument '{name}'");
            else if (TypeProblem(p, value, body == BodyKind.Json) is { } problem) problems.Add($"argument '{name}' {problem}");
        }
        return problems;
    }

    private static string? TypeProblem(SpecParam p, JsonNode? value, bool jsonBody)
    {
        if (value is null) return "is null (leave it out instead)";
        if (value is JsonArray or JsonObject)
            return jsonBody && p.Type == "string" && JsonEncoded.Contains(p.Name) ? EncodedProblem(p.Name, value) : $"must be of type {p.Type}, not a JSON {value.GetValueKind()}";
        var kind = value.GetValueKind();
        var text = kind == JsonValueKind.String ? value.GetValue<string>() : null;
        var ok = p.Type switch
        {
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False || text is "true" or "false",
            "integer" => kind == JsonValueKind.Number ? long.TryParse(value.ToJsonString(), out _) : long.TryParse(text, out _),
            "number" => kind == JsonValueKind.Number || double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
            _ => true,
        };
        if (!ok) return $"must be of type {p.Type}, but is {value.ToJsonString()}";
        return JsonEncoded.Contains(p.Name) ? EncodedProblem(p.Name, ParseOrNull(text!)) : null;
    }

    /// <summary>blocks, attachments and files are arrays; each of files is an object with an id.</summary>
    private static string? EncodedProblem(string name, JsonNode? value)
    {
        if (value is not JsonArray array) return "must be a JSON-encoded array";
        if (name == "files" && array.Any(f => f is not JsonObject o || o["id"]?.GetValueKind() != JsonValueKind.String))
            return "must be an array of objects with a string id";
        return null;
    }

    private static JsonNode? ParseOrNull(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }
}

public enum BodyKind { None, Json, Form, Other }
