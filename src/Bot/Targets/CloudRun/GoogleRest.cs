using System.Net;
using Bot.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Bot.Targets.CloudRun;

/// <summary>
/// The transport under the three Google clients: the bearer token, JSON bodies by generated code, Google's error body
/// made into <see cref="GoogleApiException"/>; a 429 (<c>RESOURCE_EXHAUSTED</c>) is waited out by the resilience pipeline.
/// 5xx and timeouts are retried by the resilience handler of the <see cref="Client"/> client, except for calls marked
/// not to be sent twice (a build, a patch).
/// </summary>
public sealed class GoogleRest(IHttpClientFactory clients, GoogleTokens tokens)
{
    public const string Client = "google";
    public const int RateLimitRetries = PlatformHttp.RateLimitRetries;

    /// <summary>The first wait after a 429 without <c>Retry-After</c> (then 4 s, 8 s); the pipeline waits it out (<see cref="PlatformHttp"/>).</summary>
    public static readonly TimeSpan RateLimitWait = TimeSpan.FromSeconds(2);

    public async Task<T> CallAsync<T>(HttpMethod method, Uri api, string path, byte[]? body, JsonTypeInfo<T> answer, CancellationToken ct, bool retry = true)
    {
        var bytes = await SendAsync(method, api, path, body, ct, retry).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(bytes, answer) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new GoogleApiException(Call(method, path), 200, "INVALID_RESPONSE", $"the answer was not what the API describes ({e.Message})");
        }
    }

    public static byte[] Json<T>(T body, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(body, type);

    /// <summary>Sends one call and returns the body of a 2xx answer.</summary>
    public async Task<byte[]> SendAsync(HttpMethod method, Uri api, string path, byte[]? body, CancellationToken ct, bool retry = true)
    {
        var call = Call(method, path);
        var http = clients.CreateClient(Client);
        var token = await tokens.GetAsync(call, ct).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, new Uri(api, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        if (!retry) request.Options.Set(PlatformHttp.NoRetry, true);
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct).ConfigureAwait(false); }
        catch (Exception e) when (PlatformHttp.IsUnreachable(e, ct))
        {
            throw new GoogleApiException(call, 0, "UNAVAILABLE", $"{api.Host} could not be reached ({e.Message})");
        }
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return bytes;
            throw Refusal(call, response.StatusCode, response.ReasonPhrase, bytes);
        }
    }

    private static GoogleApiException Refusal(string call, HttpStatusCode status, string? reason, byte[] bytes)
    {
        GoogleStatus? error = null;
        try { error = JsonSerializer.Deserialize(bytes, GoogleJson.Default.GoogleErrorBody)?.Error; }
        catch (JsonException) { /* not Google's error shape: the status says enough */ }
        return new GoogleApiException(call, (int)status, error?.Status ?? $"HTTP_{(int)status}", error?.Message ?? reason ?? "no reason given");
    }

    private static string Call(HttpMethod method, string path) => $"{method.Method} {path.Split('?')[0]}";
}
