using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Cloud Run Admin v2, exactly <c>services.get</c>/<c>patch</c>, <c>revisions.list</c>/<c>get</c>, <c>operations.get</c>,
/// <c>jobs.run</c> and <c>jobs.executions.get</c>/<c>cancel</c>.
/// </summary>
public sealed class CloudRunApi(GoogleRest rest, CloudRunOptions options)
{
    /// <summary>The service as typed fields and as the JSON it came as (the patch sends that JSON back, changed).</summary>
    public async Task<(RunService Service, JsonObject Json)> GetServiceAsync(string name, CancellationToken ct)
    {
        var bytes = await rest.SendAsync(HttpMethod.Get, options.RunApi, $"v2/{CloudRunNames.Path(name)}", null, ct).ConfigureAwait(false);
        try
        {
            return (JsonSerializer.Deserialize(bytes, GoogleJson.Default.RunService)!, JsonNode.Parse(bytes)!.AsObject());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new GoogleApiException($"GET {name}", 200, "INVALID_RESPONSE", $"the service was not what the API describes ({e.Message})");
        }
    }

    /// <summary>Replaces the service (its etag guards against a change made meanwhile); answers the operation to wait on.</summary>
    public Task<RunOperation> PatchServiceAsync(string name, JsonObject service, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Patch, options.RunApi, $"v2/{CloudRunNames.Path(name)}",
            GoogleRest.Json(service, GoogleJson.Default.JsonObject), GoogleJson.Default.RunOperation, ct, retry: false);

    public Task<RunOperation> GetOperationAsync(string name, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Get, options.RunApi, $"v2/{CloudRunNames.Path(name)}", null, GoogleJson.Default.RunOperation, ct);

    public Task<RunRevision> GetRevisionAsync(string name, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Get, options.RunApi, $"v2/{CloudRunNames.Path(name)}", null, GoogleJson.Default.RunRevision, ct);

    /// <summary>The service's revisions, newest first, up to <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<RunRevision>> ListRevisionsAsync(string service, int max, CancellationToken ct)
    {
        var all = new List<RunRevision>();
        string? page = null;
        do
        {
            var query = $"?pageSize={Math.Min(max, 100)}" + (page is null ? "" : $"&pageToken={Uri.EscapeDataString(page)}");
            var list = await rest.CallAsync(HttpMethod.Get, options.RunApi, $"v2/{CloudRunNames.Path(service)}/revisions{query}", null,
                GoogleJson.Default.RevisionList, ct).ConfigureAwait(false);
            all.AddRange(list.Revisions ?? []);
            page = list.NextPageToken is { Length: > 0 } next ? next : null;
        } while (page is not null && all.Count < max);
        return all.OrderByDescending(r => r.CreateTime).Take(max).ToList();
    }

    /// <summary>Starts an execution of the job; answers the operation whose metadata names it. Never sent twice.</summary>
    public Task<RunOperation> RunJobAsync(string job, RunJobRequest body, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Post, options.RunApi, $"v2/{CloudRunNames.Path(job)}:run",
            GoogleRest.Json(body, GoogleJson.Default.RunJobRequest), GoogleJson.Default.RunOperation, ct, retry: false);

    public Task<RunExecution> GetExecutionAsync(string name, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Get, options.RunApi, $"v2/{CloudRunNames.Path(name)}", null, GoogleJson.Default.RunExecution, ct);

    public Task<RunOperation> CancelExecutionAsync(string name, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Post, options.RunApi, $"v2/{CloudRunNames.Path(name)}:cancel",
            GoogleRest.Json(new JsonObject(), GoogleJson.Default.JsonObject), GoogleJson.Default.RunOperation, ct, retry: false);
}
