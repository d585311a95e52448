using System.Globalization;

namespace Bot.Targets.CloudRun;

/// <summary>
/// What has been shown of an execution's log: entries are read again from the newest timestamp seen (Cloud Logging shows
/// them seconds late and out of order), so each is kept by its insert id and shown once; the last lines are kept for a failure.
/// </summary>
internal sealed class ExecutionLog
{
    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);
    private readonly Queue<string> _tail = new();
    private DateTimeOffset? _newest;
    private bool _refused;

    public IReadOnlyList<string> Tail => [.. _tail];

    /// <summary>Lines up to <paramref name="end"/> have been shown: one written at or after it is in.</summary>
    public bool Reached(DateTimeOffset end) => _refused || _newest >= end;

    public bool Refused => _refused;

    public async Task<List<DeployEvent>> ReadAsync(CloudLoggingApi logging, string project, string execution, CancellationToken ct)
    {
        var lines = new List<DeployEvent>();
        if (_refused) return lines;
        var filter = $"resource.type=\"cloud_run_job\" AND labels.\"run.googleapis.com/execution_name\"={CloudLoggingApi.Quote(CloudRunNames.Short(execution)!)}" +
                     (_newest is { } at ? $" AND timestamp>=\"{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)}\"" : "");
        LogEntriesPage page;
        try { page = await logging.ListAsync(project, filter, 500, newestFirst: false, ct).ConfigureAwait(false); }
        catch (GoogleApiException e) when (e.Status is 403 or 404)
        {
            _refused = true;
            lines.Add(new Notice($"Cloud Logging refused the execution's log lines ({e.Reason}); it is still followed to its end.", IsWarning: true));
            return lines;
        }
        foreach (var entry in page.Entries ?? [])
        {
            if (!_shown.Add(entry.InsertId ?? $"{entry.Timestamp:O}|{entry.Text}")) continue;
            if (entry.Timestamp is { } t && (_newest is null || t > _newest)) _newest = t;
            var text = entry.Text.TrimEnd();
            if (string.IsNullOrWhiteSpace(text)) continue;
            _tail.Enqueue(text.Length > 300 ? text[..300] + "…" : text);
            while (_tail.Count > 3) _tail.Dequeue();
            lines.Add(new OutputLine(text, entry.Severity is "ERROR" or "CRITICAL" or "ALERT" or "EMERGENCY"));
        }
        return lines;
    }
}
