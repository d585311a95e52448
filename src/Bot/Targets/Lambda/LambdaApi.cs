using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bot.Targets.Lambda;

/// <summary>
/// The Lambda REST API (2015-03-31) calls the bot makes, each as botocore's model has it: method, URI template with the
/// function name (and alias) as path segments, the qualifier in the query. Calls that change something are sent once.
/// </summary>
public sealed class LambdaApi(AwsClient aws)
{
    private const string V = "2015-03-31/functions/";

    /// <summary>The function (<c>$LATEST</c>, or the version <paramref name="qualifier"/> names) and where its code can be fetched.</summary>
    public Task<LambdaFunction> GetFunctionAsync(string function, CancellationToken ct, string? qualifier = null) =>
        aws.JsonAsync(Get("GetFunction", $"{V}{Seg(function)}{Query(("Qualifier", qualifier))}"), LambdaJson.Default.LambdaFunction, ct);

    public Task<LambdaConfiguration> GetConfigurationAsync(string function, string? qualifier, CancellationToken ct) =>
        aws.JsonAsync(Get("GetFunctionConfiguration", $"{V}{Seg(function)}/configuration{Query(("Qualifier", qualifier))}"), LambdaJson.Default.LambdaConfiguration, ct);

    /// <summary>Never retried by the pipeline: a repeated update would race the first one.</summary>
    public Task<LambdaConfiguration> UpdateCodeAsync(string function, UpdateCodeRequest request, CancellationToken ct) =>
        aws.JsonAsync(Send("UpdateFunctionCode", HttpMethod.Put, $"{V}{Seg(function)}/code", request, LambdaJson.Default.UpdateCodeRequest) with { Retry = false, Upload = true },
            LambdaJson.Default.LambdaConfiguration, ct);

    /// <summary>
    /// Changes only what <paramref name="request"/> names (the environment); every other setting stays as it is. Never
    /// retried by the pipeline, like the code update.
    /// </summary>
    public Task<LambdaConfiguration> UpdateConfigurationAsync(string function, UpdateConfigurationRequest request, CancellationToken ct) =>
        aws.JsonAsync(Send("UpdateFunctionConfiguration", HttpMethod.Put, $"{V}{Seg(function)}/configuration", request, LambdaJson.Default.UpdateConfigurationRequest) with { Retry = false },
            LambdaJson.Default.LambdaConfiguration, ct);

    public Task<LambdaConfiguration> PublishVersionAsync(string function, PublishVersionRequest request, CancellationToken ct) =>
        aws.JsonAsync(Send("PublishVersion", HttpMethod.Post, $"{V}{Seg(function)}/versions", request, LambdaJson.Default.PublishVersionRequest) with { Retry = false },
            LambdaJson.Default.LambdaConfiguration, ct);

    public Task<LambdaAlias> GetAliasAsync(string function, string alias, CancellationToken ct) =>
        aws.JsonAsync(Get("GetAlias", $"{V}{Seg(function)}/aliases/{Seg(alias)}"), LambdaJson.Default.LambdaAlias, ct);

    /// <summary>Idempotent (the same version and routing twice is the same alias), so retried like a read.</summary>
    public Task<LambdaAlias> UpdateAliasAsync(string function, string alias, UpdateAliasRequest request, CancellationToken ct) =>
        aws.JsonAsync(Send("UpdateAlias", HttpMethod.Put, $"{V}{Seg(function)}/aliases/{Seg(alias)}", request, LambdaJson.Default.UpdateAliasRequest),
            LambdaJson.Default.LambdaAlias, ct);

    /// <summary>Every published version (oldest first, as Lambda lists them), <c>$LATEST</c> left out.</summary>
    public async Task<IReadOnlyList<LambdaConfiguration>> ListVersionsAsync(string function, CancellationToken ct)
    {
        var all = new List<LambdaConfiguration>();
        string? marker = null;
        do
        {
            var page = await aws.JsonAsync(Get("ListVersionsByFunction", $"{V}{Seg(function)}/versions{Query(("Marker", marker), ("MaxItems", "50"))}"),
                LambdaJson.Default.LambdaVersionList, ct).ConfigureAwait(false);
            all.AddRange((page.Versions ?? []).Where(v => v.Version != "$LATEST"));
            marker = page.NextMarker;
        } while (!string.IsNullOrEmpty(marker) && all.Count < 1000);
        return all;
    }

    public async Task<IReadOnlyList<LambdaAlias>> ListAliasesAsync(string function, CancellationToken ct) =>
        (await aws.JsonAsync(Get("ListAliases", $"{V}{Seg(function)}/aliases{Query(("MaxItems", "50"))}"), LambdaJson.Default.LambdaAliasList, ct).ConfigureAwait(false))
            .Aliases ?? [];

    /// <summary>
    /// A synchronous invoke of one version or alias; <c>FunctionError</c> is set when the function threw. With
    /// <paramref name="tail"/> (a task: <c>LogType: Tail</c>) the answer carries the end of the invocation's log, and the
    /// call may take as long as the function runs.
    /// </summary>
    public async Task<InvokeResult> InvokeAsync(string function, string qualifier, byte[] payload, CancellationToken ct, bool tail = false)
    {
        var call = new AwsCall(AwsService.Lambda, "Invoke", HttpMethod.Post, $"{V}{Seg(function)}/invocations{Query(("Qualifier", qualifier))}",
            payload, "application/json", Retry: false, Waits: tail, LogType: tail ? "Tail" : null);
        var response = await aws.SendAsync(call, ct).ConfigureAwait(false);
        return new InvokeResult(response.Status, response.Headers.GetValueOrDefault("X-Amz-Function-Error"), response.Body,
            response.Headers.GetValueOrDefault("X-Amz-Log-Result"), response.Headers.GetValueOrDefault("X-Amz-Executed-Version"));
    }

    /// <summary>
    /// Starts a function without waiting for it (<c>InvocationType: Event</c>): Lambda queues the event and answers 202.
    /// The call is never sent twice by the pipeline, since a second invocation would be a second worker.
    /// </summary>
    public async Task<int> InvokeEventAsync(string function, byte[] payload, CancellationToken ct)
    {
        var call = new AwsCall(AwsService.Lambda, "Invoke", HttpMethod.Post, $"{V}{Seg(function)}/invocations", payload, "application/json",
            Retry: false, InvocationType: "Event");
        return (await aws.SendAsync(call, ct).ConfigureAwait(false)).Status;
    }

    private static AwsCall Get(string name, string path) => new(AwsService.Lambda, name, HttpMethod.Get, path);

    private static AwsCall Send<T>(string name, HttpMethod method, string path, T body, JsonTypeInfo<T> type) =>
        new(AwsService.Lambda, name, method, path, JsonSerializer.SerializeToUtf8Bytes(body, type), "application/json");

    internal static string Seg(string value) => Uri.EscapeDataString(value);

    private static string Query(params (string Name, string? Value)[] pairs)
    {
        var present = pairs.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }
}
