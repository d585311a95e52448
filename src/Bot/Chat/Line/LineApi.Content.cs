using System.Net.Http.Headers;

namespace Bot.Chat.Line;

/// <summary>What people send the bot: <c>GET /v2/bot/message/{messageId}/content</c> on the data host (<see cref="LineOptions.DataApiBase"/>).</summary>
public sealed partial class LineApi
{
    public const string ContentPath = "/v2/bot/message/{messageId}/content";

    /// <summary>The bytes of a message's file, or null when there are more than <see cref="EnvFiles.MaxBytes"/> (the rest is not read).</summary>
    public async Task<byte[]?> GetContentAsync(string messageId, CancellationToken cancellationToken)
    {
        var path = ContentPath.Replace("{messageId}", Uri.EscapeDataString(messageId), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.DataApiBase.AbsoluteUri.TrimEnd('/') + path))
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AccessToken) },
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(ContentPath, response, cancellationToken);
        return await EnvFiles.ReadAsync(response, cancellationToken);
    }
}
