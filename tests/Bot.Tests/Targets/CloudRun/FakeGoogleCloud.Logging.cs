using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// Cloud Logging's <c>entries.list</c> over the entries builds and tests add; the filter's comparisons the bot uses are
/// applied. As the real service does, an entry is shown only <see cref="LogDelay"/> after it was written, by <see cref="Clock"/>.
/// </summary>
public sealed partial class FakeGoogleCloud
{
    private readonly List<(DateTimeOffset Shown, JsonObject Entry)> _entries = [];
    private long _clock;

    /// <summary>The fake's time: when entries are written and shown, when build steps start and end.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>How long after it is written an entry is shown (Cloud Logging's ingestion delay; a few seconds in real life).</summary>
    public TimeSpan LogDelay { get; set; }

    /// <summary>Now by <see cref="Clock"/>, to the millisecond as entries' timestamps are written.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(Clock.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Lines a revision of a service logged, oldest first.</summary>
    public void AddRevisionLogs(string service, string revision, params string[] lines)
    {
        lock (_gate)
            foreach (var line in lines)
                AddEntry("cloud_run_revision", new JsonObject { ["service_name"] = service, ["revision_name"] = revision, ["location"] = Region, ["project_id"] = Project },
                    line, line.Contains("error", StringComparison.OrdinalIgnoreCase) ? "ERROR" : "INFO", null);
    }

    /// <summary>A request log of a revision, as Cloud Run writes one per request: an <c>httpRequest</c> and no text.</summary>
    public void AddRequestLog(string service, string revision, string method, string path, int status)
    {
        lock (_gate)
            AddEntry("cloud_run_revision", new JsonObject { ["service_name"] = service, ["revision_name"] = revision, ["location"] = Region, ["project_id"] = Project },
                null, status >= 500 ? "ERROR" : "INFO", null, new JsonObject
                {
                    ["requestMethod"] = method, ["requestUrl"] = $"https://{service}-abc123xyz-an.a.run.app{path}", ["status"] = status, ["latency"] = "0.012s",
                });
    }

    private void AddEntry(string type, JsonObject labels, string? text, string severity, JsonObject? entryLabels, JsonObject? request = null)
    {
        // Each entry a millisecond after the last, so their order is their timestamps' order.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(_clock + 1, Now().ToUnixTimeMilliseconds()));
        _clock = at.ToUnixTimeMilliseconds();
        var entry = new JsonObject
        {
            ["insertId"] = Guid.NewGuid().ToString("N")[..16],
            ["logName"] = $"projects/{Project}/logs/{(type == "build" ? "cloudbuild" : request is null ? "run.googleapis.com%2Fstdout" : "run.googleapis.com%2Frequests")}",
            ["resource"] = new JsonObject { ["type"] = type, ["labels"] = labels }, ["severity"] = severity,
            ["timestamp"] = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), ["labels"] = entryLabels,
        };
        if (text is not null) entry["textPayload"] = text;
        if (request is not null) entry["httpRequest"] = request;
        _entries.Add((at + LogDelay, entry));
    }

    private (int, JsonNode) ListEntries(JsonObject body)
    {
        if (body["resourceNames"] is not JsonArray { Count: > 0 } names || names[0]!.GetValue<string>() != $"projects/{Project}")
            return Error(400, "INVALID_ARGUMENT", "resourceNames should name the project");
        var filter = body["filter"]?.GetValue<string>() ?? "";
        var now = Clock.GetUtcNow();
        var matches = _entries.Where(e => e.Shown <= now).Select(e => e.Entry).Where(e => Matches(e, filter));
        matches = body["orderBy"]?.GetValue<string>() == "timestamp desc" ? matches.Reverse() : matches;
        var size = body["pageSize"]?.GetValue<int>() ?? 50;
        return (200, new JsonObject { ["entries"] = new JsonArray(matches.Take(size).Select(e => (JsonNode)e.DeepClone()).ToArray()) });
    }

    private static bool Matches(JsonObject e, string filter)
    {
        foreach (Match m in Regex.Matches(filter, @"(?<field>[\w.]+(?:""[^""]+"")?)\s*(?<op>>=|=|:)\s*""(?<value>(?:[^""\\]|\\.)*)"""))
        {
            var field = m.Groups["field"].Value;
            var value = Regex.Unescape(m.Groups["value"].Value);
            if (field is "textPayload" or "jsonPayload.message")
                continue; // judged below, as the OR of the two
            var actual = field switch
            {
                "resource.type" => e["resource"]!["type"]!.GetValue<string>(),
                "timestamp" => e["timestamp"]!.GetValue<string>(),
                _ when field.StartsWith("resource.labels.", StringComparison.Ordinal) => e["resource"]!["labels"]![field["resource.labels.".Length..]]?.GetValue<string>(),
                _ when field.StartsWith("labels.\"", StringComparison.Ordinal) => e["labels"]?[field["labels.\"".Length..^1]]?.GetValue<string>(),
                _ => throw new InvalidOperationException($"the fake does not filter on {field}"),
            };
            var ok = m.Groups["op"].Value switch
            {
                ">=" => DateTimeOffset.Parse(actual!) >= DateTimeOffset.Parse(value),
                _ => actual == value,
            };
            if (!ok) return false;
        }
        if (Regex.Match(filter, @"textPayload:""((?:[^""\\]|\\.)*)""") is { Success: true } grep)
            return e["textPayload"]?.GetValue<string>().Contains(Regex.Unescape(grep.Groups[1].Value), StringComparison.OrdinalIgnoreCase) == true;
        return true;
    }
}
