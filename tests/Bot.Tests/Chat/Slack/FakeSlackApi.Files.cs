using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Slack;

/// <summary>
/// Files people shared (for <c>files.info</c> and their private download URLs, which want the bot token) and the rules of
/// <c>views.open</c> that Slack's reference states in words: a modal's title, buttons, blocks and metadata limits.
/// </summary>
public sealed partial class FakeSlackApi
{
    private const string SharedPath = "/files-pri/";
    private readonly Dictionary<string, (string Name, string MimeType, byte[] Bytes)> _shared = new(StringComparer.Ordinal);
    private readonly List<string> _downloads = [];

    /// <summary>The ids of the shared files whose bytes were downloaded.</summary>
    public IReadOnlyList<string> Downloads { get { lock (_gate) return [.. _downloads]; } }

    /// <summary>A file someone shared: what <c>files.info</c> says of it and the bytes behind its <c>url_private_download</c>.</summary>
    public JsonObject ShareFile(string id, string name, byte[] bytes, string mimeType = "text/plain")
    {
        lock (_gate) _shared[id] = (name, mimeType, bytes);
        return FileObject(id);
    }

    private JsonObject FileObject(string id)
    {
        var (name, mime, bytes) = _shared[id];
        var download = new Uri(ApiBase, $"{SharedPath}{TeamId}-{id}/download/{Uri.EscapeDataString(name)}").ToString();
        return new JsonObject
        {
            ["id"] = id, ["created"] = 1764064800, ["timestamp"] = 1764064800, ["name"] = name, ["title"] = name, ["mimetype"] = mime,
            ["filetype"] = "text", ["pretty_type"] = "Plain Text", ["user"] = "U0ALICE", ["mode"] = "hosted", ["editable"] = false,
            ["is_external"] = false, ["external_type"] = "", ["is_public"] = false, ["public_url_shared"] = false, ["size"] = bytes.Length,
            ["url_private"] = new Uri(ApiBase, $"{SharedPath}{TeamId}-{id}/{Uri.EscapeDataString(name)}").ToString(), ["url_private_download"] = download,
        };
    }

    private JsonObject FileInfo(JsonObject args) => Str(args, "file") is { } id && _shared.ContainsKey(id)
        ? new JsonObject { ["ok"] = true, ["file"] = FileObject(id), ["comments"] = new JsonArray(), ["response_metadata"] = new JsonObject { ["next_cursor"] = "" } }
        : Refusal("file_not_found");

    private bool IsDownload(Uri url) => url.Host == ApiBase.Host && url.AbsolutePath.StartsWith(SharedPath, StringComparison.Ordinal);

    /// <summary>Slack serves a private file to its workspace's tokens only, with GET.</summary>
    private HttpResponseMessage Download(Uri url, HttpRequestMessage request)
    {
        var key = url.AbsolutePath[SharedPath.Length..].Split('/')[0];
        var id = key[(key.IndexOf('-') + 1)..];
        if (!_shared.TryGetValue(id, out var file)) return Violation($"download of {url}, which no files.info handed out");
        if (request.Method != HttpMethod.Get) return Violation($"download of {id} with {request.Method}; it takes GET");
        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: var token } || token != BotToken)
            return Violation($"download of {id} without the bot token as Authorization: Bearer");
        _downloads.Add(id);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(file.Bytes) { Headers = { ContentType = new(file.MimeType) } } };
    }

    /// <summary>What <c>views.open</c> takes of its view, from Slack's view and block references.</summary>
    private static string? ViewProblem(JsonObject args)
    {
        JsonObject? view;
        try { view = Decoded(args["view"]) as JsonObject; }
        catch (JsonException) { return "views.open: the view is not JSON"; }
        if (view is null) return "views.open: the view must be a JSON object";
        var problems = new List<string>();
        if (Str(view, "type") != "modal") problems.Add("its type must be modal");
        var blocks = view["blocks"] as JsonArray ?? [];
        if (blocks.Count is 0 or > 100) problems.Add("it needs 1 to 100 blocks");
        var hasInput = blocks.Any(b => Str(b!.AsObject(), "type") == "input");
        foreach (var (field, required) in new[] { ("title", true), ("submit", hasInput), ("close", false) })
        {
            if (view[field] is not JsonObject text) { if (required) problems.Add($"it needs a {field}"); continue; }
            if (Str(text, "type") != "plain_text" || Str(text, "text") is not { Length: > 0 and <= 24 }) problems.Add($"its {field} must be plain_text of 1 to 24 characters");
        }
        if (Str(view, "private_metadata") is { Length: > 3000 }) problems.Add("its private_metadata is over 3000 characters");
        if (Str(view, "callback_id") is { Length: > 255 }) problems.Add("its callback_id is over 255 characters");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in blocks.OfType<JsonObject>())
        {
            if (Str(block, "block_id") is { } id && (id.Length > 255 || !ids.Add(id))) problems.Add($"block_id {id} is too long or not unique");
            if (Str(block, "type") != "input") continue;
            if (block["label"] is not JsonObject label || Str(label, "type") != "plain_text" || Str(label, "text") is not { Length: > 0 and <= 2000 })
                problems.Add("an input's label must be plain_text of 1 to 2000 characters");
            if (block["element"] is not JsonObject element || Str(element, "type") is not { } type) { problems.Add("an input needs an element"); continue; }
            if (type == "plain_text_input" && element["placeholder"] is JsonObject p && Str(p, "text") is not { Length: <= 150 })
                problems.Add("a plain_text_input's placeholder is over 150 characters");
            if (Str(element, "action_id") is { Length: > 255 }) problems.Add("an action_id is over 255 characters");
        }
        return problems.Count == 0 ? null : $"views.open: {string.Join("; ", problems)}";
    }
}
