using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bot.Http;

/// <summary>JSON bodies sent to and read from the platform APIs (Slack, LINE, Heroku), by generated code: the binary is Native AOT.</summary>
public static class PlatformJson
{
    /// <summary>Serialized up front, so the request has a Content-Length rather than a chunked body.</summary>
    public static ByteArrayContent Content<T>(T body, JsonTypeInfo<T> type) => Content(JsonSerializer.SerializeToUtf8Bytes(body, type));

    /// <summary>A body serialized once, for a call whose every attempt needs its own content (a sent request disposes its content).</summary>
    public static ByteArrayContent Content(byte[] utf8) =>
        new(utf8) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };

    /// <summary>The answer as <typeparamref name="T"/>, or null when it is not that JSON (an error page, an empty body): the status then says enough.</summary>
    public static async Task<T?> TryReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
