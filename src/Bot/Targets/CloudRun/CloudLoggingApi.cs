namespace Bot.Targets.CloudRun;

/// <summary>Cloud Logging v2, exactly <c>entries.list</c>.</summary>
public sealed class CloudLoggingApi(GoogleRest rest, CloudRunOptions options)
{
    /// <summary>Entries of <paramref name="project"/> matching <paramref name="filter"/>; <paramref name="newestFirst"/> picks the order.</summary>
    public Task<LogEntriesPage> ListAsync(string project, string filter, int pageSize, bool newestFirst, CancellationToken ct, string? pageToken = null) =>
        rest.CallAsync(HttpMethod.Post, options.LoggingApi, "v2/entries:list",
            GoogleRest.Json(new LogEntriesRequest([$"projects/{project}"], filter, newestFirst ? "timestamp desc" : "timestamp asc", Math.Clamp(pageSize, 1, 1000), pageToken),
                GoogleJson.Default.LogEntriesRequest), GoogleJson.Default.LogEntriesPage, ct);

    /// <summary>A string literal for a Logging filter.</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
