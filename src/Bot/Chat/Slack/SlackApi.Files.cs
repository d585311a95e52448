using System.Net.Http.Headers;

namespace Bot.Chat.Slack;

/// <summary>Reading a file someone shared with the bot: <c>files.info</c>, then its private download URL with the bot token.</summary>
public sealed partial class SlackApi
{
    /// <summary><c>files.info</c>: the file's name, size, type and where its bytes are.</summary>
    public async Task<SlackFile> GetFileAsync(string fileId, CancellationToken cancellationToken)
    {
        var r = await CallFormAsync("files.info", [new("file", fileId)], SlackJson.Default.SlackFileInfoResponse, BotToken, cancellationToken);
        var f = r.File ?? throw Incomplete("files.info", "file");
        return new SlackFile(f.Id ?? fileId, f.Name ?? f.Title ?? fileId, f.Size ?? 0, f.Mimetype, f.UrlPrivateDownload ?? f.UrlPrivate);
    }

    /// <summary>
    /// The bytes at a file's <c>url_private_download</c>, or null when there are more than <paramref name="maxBytes"/>. The bot
    /// token goes only to Slack's own hosts (and to <c>SLACK_API_URL</c>'s), never to a URL someone else could have written.
    /// </summary>
    public async Task<byte[]?> DownloadFileAsync(Uri url, int maxBytes, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps || !IsSlackHost(url.Host))
            throw new SlackApiException("file download", "not_a_slack_url");
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", BotToken) } };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new SlackApiException("file download", $"http_{(int)response.StatusCode}");
        if (response.Content.Headers.ContentLength > maxBytes) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0) read += n;
        return read > maxBytes ? null : buffer[..read];
    }

    private bool IsSlackHost(string host) =>
        host.Equals(options.ApiBase.Host, StringComparison.OrdinalIgnoreCase)
        || host.Equals("slack.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".slack-edge.com", StringComparison.OrdinalIgnoreCase);
}
