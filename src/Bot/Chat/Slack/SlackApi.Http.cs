using System.Net;
using Bot.Http;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;

namespace Bot.Chat.Slack;

/// <summary>The transport under <see cref="SlackApi"/>: bodies, tokens, answers, and the 429 the resilience pipeline could not wait out.</summary>
public sealed partial class SlackApi
{
    private string BotToken => options.BotToken ?? throw new InvalidOperationException("SLACK_BOT_TOKEN is not set, so the bot cannot call Slack.");

    private Task<T> CallJsonAsync<T>(string method, SlackChatRequest body, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class, ISlackResponse =>
        CallAsync(method, () => PlatformJson.Content(body, SlackJson.Default.SlackChatRequest), answer, BotToken, cancellationToken);

    // Slack's read methods (and the file ones) do not read JSON bodies, so these go form-encoded.
    private Task<T> CallFormAsync<T>(string method, IReadOnlyList<KeyValuePair<string, string>> args, JsonTypeInfo<T> answer, string token,
        CancellationToken cancellationToken) where T : class, ISlackResponse =>
        CallAsync(method, () => new FormUrlEncodedContent(args), answer, token, cancellationToken);

    private async Task<T> CallAsync<T>(string method, Func<HttpContent> content, JsonTypeInfo<T> answer, string token,
        CancellationToken cancellationToken) where T : class, ISlackResponse
    {
        var url = new Uri(options.ApiBase, method);
        using var response = await SendAsync(method, () => new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = content(),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        }, cancellationToken);
        var result = await PlatformJson.TryReadAsync(response, answer, cancellationToken);
        if (result is { Ok: true } && response.IsSuccessStatusCode) return result;
        var error = result?.Error ?? (response.IsSuccessStatusCode ? "invalid_response" : $"http_{(int)response.StatusCode}");
        throw new SlackApiException(method, error);
    }

    /// <summary>Sends; a 429 was waited out by the resilience pipeline (<see cref="PlatformHttp"/>), so one still here means Slack stays busy.</summary>
    private async Task<HttpResponseMessage> SendAsync(string method, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        using var message = request();
        var response = await http.SendAsync(message, cancellationToken);
        if (response.StatusCode != HttpStatusCode.TooManyRequests) return response;
        response.Dispose();
        throw new SlackApiException(method, "ratelimited");
    }

    private static ByteArrayContent Bytes(byte[] content) =>
        new(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
}
