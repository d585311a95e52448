using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>Cloud Logging's <c>entries.list</c> over the entries builds and tests add; the filter's comparisons the bot uses are applied.</summary>
public sealed partial class FakeGoogleCloud
{
    private readonly List<JsonObject> _entries = [];
    private long _clock = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();

    /// <summary>Lines a revision of a service logged, oldest first.</summary>
    public void AddRevisionLogs(string service, string revision, params string[] lines)
    {
        lock (_gate)
            foreach (var line in lines)
                AddEntry("cloud_run_revision", new JsonObject { ["service_name"] = service, ["revision_name"] = revision, ["location"] = Region, ["project_id"] = Project },
                    line, line.Contains("error", StringComparison.OrdinalIgnoreCase) ? "ERROR" : "INFO", null);
    }

    private void AddEntry(string type, JsonObject labels, string text, string severity, JsonObject? entryLabels)
    {
        // Each entry a millisecond after the last, so their order is their timestamps' order.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(++_clock, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        _clock = at.ToUnixTimeMilliseconds();
        _entries.Add(new JsonObject
        {
            ["insertId"] = Guid.NewGuid().ToString("N")[..16], ["logName"] = $"projects/{Project}/logs/{(type == "build" ? "cloudbuild" : "run.googleapis.com%2Fstdout")}",
            ["resource"] = new JsonObject { ["type"] = type, ["labels"] = labels }, ["textPayload"] = text, ["severity"] = severity,
            ["timestamp"] = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), ["labels"] = entryLabels,
        });
    }

    private (int, JsonNode) ListEntries(JsonObject body)
    {
        if (body["resourceNames"] is not JsonArray { Count: > 0 } names || names[0]!.GetValue<string>() != $"projects/{Project}")
            return Error(400, "INVALID_ARGUMENT", "resourceNames should name the project");
        var filter = body["filter"]?.GetValue<string>() ?? "";
        var matches = _entries.Where(e => Matches(e, filter));
        matches = body["orderBy"]?.GetValue<string>() == "timestamp desc" ? matches.Reverse() : matches;
        var size = body["pageSize"]?.GetValue<int>() ?? 50;
        return (200, new JsonObject { ["entries"] = new JsonArray(matches.Take(size).Select(e => (JsonNode)e.DeepClone()).ToArray()) });
    }

    private static bool Matches(JsonObject e, string filter)
    {
        foreach (Match m in Regex.Matches(filter, @"(?<field>[\w.]+)\s*(?<op>>=|=|:)\s*""(?<value>(?:[^""\\]|\\.)*)"""))
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
            return e["textPayload"]!.GetValue<string>().Contains(Regex.Unescape(grep.Groups[1].Value), StringComparison.OrdinalIgnoreCase);
        return true;
    }
}
