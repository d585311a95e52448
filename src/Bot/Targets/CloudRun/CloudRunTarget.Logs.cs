using System.Globalization;
using Bot.Text;
using Bot.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary><c>logs</c>: the service's entries from Cloud Logging (<c>cloud_run_revision</c>), newest last, short enough for a phone.</summary>
public sealed partial class CloudRunTarget
{
    public const int MaxLogLines = 1000;

    public async Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken)
    {
        var s = CloudRunSettings.Read(app);
        var filter = RunFilter(s, null, request.Since, request.Grep);
        if (request.Options.GetValueOrDefault("dyno") is { } revision)
            filter += $" AND resource.labels.revision_name={CloudLoggingApi.Quote(revision)}";
        LogEntriesPage page;
        try
        {
            page = await logging.ListAsync(s.Project, filter, Math.Clamp(request.Lines, 1, MaxLogLines), newestFirst: true, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) { throw Explain(e, app); }
        // An entry with nothing to read (no text, no request) is left out rather than shown as an empty line.
        var lines = (page.Entries ?? []).Where(e => !string.IsNullOrWhiteSpace(e.Text)).Reverse().Select(ForChat).ToList();
        var note = request.Since is { } since ? $"Cloud Logging, the last {Format.Duration(since)}." : null;
        return new LogResult(lines, note);
    }

    /// <summary>The last lines a revision logged, oldest first; null when Logging cannot be read.</summary>
    private async Task<IReadOnlyList<string>?> RevisionLinesAsync(CloudRunSettings s, string revision, int count, CancellationToken ct)
    {
        try
        {
            var page = await logging.ListAsync(s.Project, RunFilter(s, revision, null, null), count, newestFirst: true, ct).ConfigureAwait(false);
            return (page.Entries ?? []).Reverse().Select(e => e.Text.TrimEnd()).Where(t => t.Length > 0).Select(t => t.Length > 200 ? t[..200] + "…" : t).ToList();
        }
        catch (GoogleApiException) { return null; }
    }

    private string RunFilter(CloudRunSettings s, string? revision, TimeSpan? since, string? grep)
    {
        var filter = $"resource.type=\"cloud_run_revision\" AND resource.labels.service_name={CloudLoggingApi.Quote(s.Service)}" +
                     $" AND resource.labels.location={CloudLoggingApi.Quote(s.Region)}";
        if (revision is not null) filter += $" AND resource.labels.revision_name={CloudLoggingApi.Quote(revision)}";
        if (since is { } ago) filter += $" AND timestamp>=\"{(time.GetUtcNow() - ago).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\"";
        if (grep is { Length: > 0 } g) filter += $" AND (textPayload:{CloudLoggingApi.Quote(g)} OR jsonPayload.message:{CloudLoggingApi.Quote(g)})";
        return filter;
    }

    /// <summary><c>12:00:01 ❗ text</c>: the time without date or zone, a mark for errors, one line.</summary>
    internal static string ForChat(LogEntry e)
    {
        var clock = e.Timestamp is { } at ? at.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " " : "";
        var mark = e.Severity is "ERROR" or "CRITICAL" or "ALERT" or "EMERGENCY" ? "❗ " : e.Severity is "WARNING" ? "⚠ " : "";
        var text = e.Text.ReplaceLineEndings(" ⏎ ").TrimEnd();
        return clock + mark + (text.Length > 500 ? text[..500] + "…" : text);
    }
}
