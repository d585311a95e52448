using System.Text.Json.Nodes;

namespace Bot.Targets.CloudRun;

/// <summary>Cloud Build v1, exactly <c>projects.locations.builds.create</c>, <c>get</c> and <c>cancel</c>.</summary>
public sealed class CloudBuildApi(GoogleRest rest, CloudRunOptions options)
{
    /// <summary>Starts a build (never sent twice: a retry could start a second one); the answer's metadata carries the build.</summary>
    public async Task<CloudBuild> CreateAsync(string project, string region, JsonObject build, CancellationToken ct)
    {
        var operation = await rest.CallAsync(HttpMethod.Post, options.BuildApi, $"v1/{CloudRunNames.Path(CloudRunNames.Location(project, region))}/builds",
            GoogleRest.Json(build, GoogleJson.Default.JsonObject), GoogleJson.Default.BuildOperation, ct, retry: false).ConfigureAwait(false);
        if (operation.Error is { } error)
            throw new GoogleApiException("POST builds", error.Code ?? 500, "BUILD_NOT_STARTED", error.Message ?? "the build did not start");
        return operation.Metadata?.Build is { Id: not null } made
            ? made with { Name = made.Name ?? $"{CloudRunNames.Location(project, region)}/builds/{made.Id}" }
            : throw new GoogleApiException("POST builds", 200, "INVALID_RESPONSE", "the operation names no build");
    }

    public Task<CloudBuild> GetAsync(string name, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Get, options.BuildApi, $"v1/{CloudRunNames.Path(name)}", null, GoogleJson.Default.CloudBuild, ct);

    public Task<CloudBuild> CancelAsync(string name, CancellationToken ct) =>
        rest.CallAsync(HttpMethod.Post, options.BuildApi, $"v1/{CloudRunNames.Path(name)}:cancel",
            GoogleRest.Json(new CancelBuildRequest(name), GoogleJson.Default.CancelBuildRequest), GoogleJson.Default.CloudBuild, ct);
}
