using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Slack;

/// <summary>What the fake answers once a call has passed the spec check, shaped like Slack's real answers.</summary>
public sealed partial class FakeSlackApi
{
    private const string UploadPath = "/upload/v1/";
    private readonly Dictionary<string, JsonObject> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Channel, string Ts), JsonObject> _messages = [];
    private readonly Dictionary<string, (string Name, long Length, bool Uploaded)> _files = new(StringComparer.Ordinal);
    private long _lastTs = 1764064800;
    private int _fileCount;

    /// <summary>A workspace member for <c>users.info</c>; anyone not added is <c>user_not_found</c>.</summary>
    public void AddUser(string id, string name, string? displayName = null, string? realName = null)
    {
        lock (_gate)
            _users[id] = new JsonObject
            {
                ["id"] = id, ["team_id"] = TeamId, ["name"] = name, ["deleted"] = false, ["real_name"] = realName ?? "",
                ["tz"] = "Asia/Tokyo", ["is_bot"] = false,
                ["profile"] = new JsonObject { ["display_name"] = displayName ?? "", ["real_name"] = realName ?? "", ["team"] = TeamId },
            };
    }

    /// <summary>The message as it now stands (after any chat.update), or null if none was posted there.</summary>
    public JsonObject? MessageAt(string channel, string ts)
    {
        lock (_gate) return _messages.GetValueOrDefault((channel, ts))?.DeepClone().AsObject();
    }

    private JsonObject Answer(string method, JsonObject args) => method switch
    {
        "auth.test" => new JsonObject
        {
            ["ok"] = true, ["url"] = "https://fake-workspace.slack.test/", ["team"] = Team, ["user"] = "deploybot",
            ["team_id"] = TeamId, ["user_id"] = BotUserId, ["bot_id"] = BotId, ["is_enterprise_install"] = false,
        },
        "chat.postMessage" => Post(args),
        "chat.update" => Update(args),
        "chat.postEphemeral" => new JsonObject { ["ok"] = true, ["message_ts"] = NextTs() },
        "users.info" => Str(args, "user") is { } id && _users.TryGetValue(id, out var user)
            ? new JsonObject { ["ok"] = true, ["user"] = user.DeepClone() }
            : Refusal("user_not_found"),
        "apps.connections.open" => new JsonObject { ["ok"] = true, ["url"] = SocketUrl },
        "usergroups.list" => UserGroupList(),
        "usergroups.users.list" => UserGroupUsers(args),
        "files.getUploadURLExternal" => UploadUrl(args),
        "files.completeUploadExternal" => Complete(args),
        "files.info" => FileInfo(args),
        _ => new JsonObject { ["ok"] = true },
    };

    private JsonObject Post(JsonObject args)
    {
        if (Str(args, "text") is null && !args.ContainsKey("blocks") && !args.ContainsKey("attachments")) return Refusal("no_text");
        var channel = Str(args, "channel")!;
        var ts = NextTs();
        var message = Message(args, ts);
        if (Str(args, "thread_ts") is { } thread) message["thread_ts"] = thread;
        _messages[(channel, ts)] = message;
        return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = message.DeepClone() };
    }

    private JsonObject Update(JsonObject args)
    {
        var (channel, ts) = (Str(args, "channel")!, Str(args, "ts")!);
        if (!_messages.ContainsKey((channel, ts))) return Refusal("message_not_found");
        var message = Message(args, ts);
        _messages[(channel, ts)] = message;
        return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["text"] = message["text"]?.DeepClone(), ["message"] = message.DeepClone() };
    }

    private JsonObject Message(JsonObject args, string ts) => new()
    {
        ["type"] = "message", ["user"] = BotUserId, ["bot_id"] = BotId, ["team"] = TeamId, ["ts"] = ts,
        ["text"] = Str(args, "text") ?? "", ["blocks"] = Decoded(args["blocks"]) ?? new JsonArray(),
    };

    private JsonObject UploadUrl(JsonObject args)
    {
        var id = $"F0FAKE{++_fileCount:D4}";
        _files[id] = (Str(args, "filename")!, long.Parse(Str(args, "length")!, CultureInfo.InvariantCulture), false);
        return new JsonObject { ["ok"] = true, ["upload_url"] = new Uri(ApiBase, UploadPath + id).ToString(), ["file_id"] = id };
    }

    private HttpResponseMessage Upload(Uri url, HttpMethod method, byte[] bytes)
    {
        var id = url.AbsolutePath[UploadPath.Length..];
        if (!_files.TryGetValue(id, out var file)) return Violation($"upload to {url}, which files.getUploadURLExternal never handed out");
        if (method != HttpMethod.Post) return Violation($"upload of {id} with {method}; it takes POST");
        if (bytes.Length != file.Length) return Violation($"upload of {id}: {bytes.Length} bytes, but files.getUploadURLExternal was told {file.Length}");
        _files[id] = file with { Uploaded = true };
        _uploads.Add(new FakeUpload(++_seq, id, bytes, _time.GetUtcNow()));
        return Fault("upload") ?? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"OK - {bytes.Length}") };
    }

    /// <summary>Breaks of the documented order of calls, which a spec of single calls cannot see.</summary>
    private string? FlowProblem(string method, JsonObject args)
    {
        if (method == "views.open") return ViewProblem(args);
        if (method != "files.completeUploadExternal") return null;
        foreach (var f in Decoded(args["files"])!.AsArray())
            if (!_files.TryGetValue((string)f!["id"]!, out var file) || !file.Uploaded)
                return $"files.completeUploadExternal of {f["id"]} before its bytes were uploaded to its upload_url";
        return null;
    }

    private JsonObject Complete(JsonObject args)
    {
        var shared = Decoded(args["files"])!.AsArray().Select(f => (string)f!["id"]!).Select(id =>
            (JsonNode)new JsonObject { ["id"] = id, ["title"] = _files[id].Name, ["name"] = _files[id].Name });
        return new JsonObject { ["ok"] = true, ["files"] = new JsonArray([.. shared]) };
    }

    private static List<string> ResponseUrlProblems(HttpMethod method, JsonObject body)
    {
        // From Slack's "Handling user interaction" guide: what a response_url takes.
        string[] known = ["text", "blocks", "attachments", "response_type", "replace_original", "delete_original", "thread_ts", "mrkdwn"];
        var problems = new List<string>();
        if (method != HttpMethod.Post) problems.Add($"takes POST, not {method}");
        if (!body.ContainsKey("text") && !body.ContainsKey("blocks") && body["delete_original"] is null) problems.Add("needs text or blocks");
        if (body["response_type"] is { } type && (string?)type is not ("ephemeral" or "in_channel")) problems.Add("has a response_type other than ephemeral or in_channel");
        foreach (var flag in new[] { "replace_original", "delete_original" })
            if (body[flag] is { } v && v.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"has a {flag} that is not a boolean");
        if (body["blocks"] is { } blocks && blocks is not JsonArray) problems.Add("has blocks that are not an array");
        problems.AddRange(body.Select(p => p.Key).Where(k => !known.Contains(k)).Select(k => $"has no field '{k}'"));
        return problems;
    }

    private string NextTs() => $"{++_lastTs}.000100";

    private static string? Str(JsonObject args, string name) =>
        args[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A JSON-carrying argument as its value, whether it came as the array itself or as encoded text.</summary>
    private static JsonNode? Decoded(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(v.GetValue<string>()) : value?.DeepClone();
}
