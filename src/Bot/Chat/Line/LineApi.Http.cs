using Bot.Http;
using System.Net.Http.Headers;

namespace Bot.Chat.Line;

/// <summary>The transport under <see cref="LineApi"/>: requests, the bearer token and error answers (a 429 among them once the pipeline gave up).</summary>
public sealed partial class LineApi
{
    public const string RetryKeyHeader = "X-Line-Retry-Key";

    /// <summary>Sent with a 409 when the retry key of a push was already accepted: the id of the request that was.</summary>
    public const string AcceptedRequestHeader = "x-line-accepted-request-id";

    private string AccessToken =>
        options.AccessToken ?? throw new InvalidOperationException("LINE_CHANNEL_ACCESS_TOKEN is not set, so the bot cannot call LINE.");

    /// <summary>Sends; a 429 (Retry-After, else 1 s, 2 s, 4 s) is waited out by the resilience pipeline (<see cref="PlatformHttp"/>).</summary>
    private async Task<HttpResponseMessage> SendAsync(string path, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        using var message = request();
        return await http.SendAsync(message, cancellationToken);
    }

    /// <summary>Anything but 2xx becomes <see cref="LineApiException"/>, with LINE's own words for it.</summary>
    private static async Task EnsureSuccessAsync(string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var error = await PlatformJson.TryReadAsync(response, LineJson.Default.LineErrorResponse, cancellationToken);
        var detail = error?.Message ?? response.ReasonPhrase ?? "no reason given";
        if (error?.Details is { Count: > 0 } details)
            detail += " (" + string.Join("; ", details.Select(d => d.Property is { } p ? $"{p}: {d.Message}" : d.Message)) + ")";
        throw new LineApiException(path, (int)response.StatusCode, detail);
    }

    /// <summary>A fresh content per attempt over the body serialized once: disposing a sent request disposes its content too.</summary>
    private HttpRequestMessage Post(string path, byte[] body)
    {
        var request = Request(HttpMethod.Post, path);
        request.Content = PlatformJson.Content(body);
        return request;
    }

    private HttpRequestMessage Request(HttpMethod method, string path) =>
        new(method, new Uri(options.ApiBase.AbsoluteUri.TrimEnd('/') + path))
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AccessToken) },
        };

}
