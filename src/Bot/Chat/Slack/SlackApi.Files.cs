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
    /// The bytes at a file's <c>url_private_download</c>, or null when there are more than <see cref="EnvFiles.MaxBytes"/>. The bot
    /// token goes only to Slack's own hosts (and to <c>SLACK_API_URL</c>'s), never to a URL someone else could have written.
    /// </summary>
    public async Task<byte[]?> DownloadFileAsync(Uri url, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps || !IsSlackHost(url.Host))
            throw new SlackApiException("file download", "not_a_slack_url");
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", BotToken) } };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new SlackApiException("file download", $"http_{(int)response.StatusCode}");
        return await EnvFiles.ReadAsync(response, cancellationToken);
    }

    private bool IsSlackHost(string host) =>
        host.Equals(options.ApiBase.Host, StringComparison.OrdinalIgnoreCase)
        || host.Equals("slack.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".slack-edge.com", StringComparison.OrdinalIgnoreCase);
}
