namespace Bot.Targets.CloudRun;

/// <summary>Cloud Logging v2, exactly <c>entries.list</c>.</summary>
public sealed class CloudLoggingApi(GoogleRest rest, CloudRunOptions options)
{
    /// <summary>
    /// How long the bot waits for lines it knows were written (a build step's, a failed revision's): Cloud Logging shows
    /// an entry seconds after it is written, rarely more than ten.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Entries of <paramref name="project"/> matching <paramref name="filter"/>; <paramref name="newestFirst"/> picks the order.</summary>
    public Task<LogEntriesPage> ListAsync(string project, string filter, int pageSize, bool newestFirst, CancellationToken ct, string? pageToken = null) =>
        rest.CallAsync(HttpMethod.Post, options.LoggingApi, "v2/entries:list",
            GoogleRest.Json(new LogEntriesRequest([$"projects/{project}"], filter, newestFirst ? "timestamp desc" : "timestamp asc", Math.Clamp(pageSize, 1, 1000), pageToken),
                GoogleJson.Default.LogEntriesRequest), GoogleJson.Default.LogEntriesPage, ct);

    /// <summary>A string literal for a Logging filter.</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
