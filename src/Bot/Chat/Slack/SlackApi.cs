using System.Globalization;
using Bot.Http;
using System.Text.Json;

namespace Bot.Chat.Slack;

/// <summary>
/// A thin typed client for exactly the Slack Web API calls the bot makes. Bearer <c>SLACK_BOT_TOKEN</c>
/// (<c>SLACK_APP_TOKEN</c> for <c>apps.connections.open</c>); <c>ok:false</c> becomes <see cref="SlackApiException"/>.
/// </summary>
/// <remarks>
/// HTTP 429 is waited out by the resilience pipeline that <see cref="SlackServices.AddSlackApi"/> puts under the
/// <see cref="HttpClient"/> (as long as Slack's <c>Retry-After</c> says, at most <see cref="RateLimitRetries"/> times;
/// see <see cref="PlatformHttp"/>); one that still comes back fails the call with <c>ratelimited</c>.
/// </remarks>
public sealed partial class SlackApi(HttpClient http, SlackOptions options, TimeProvider time, SlackUserCache? users = null)
{
    /// <summary>How many times a rate-limited call is tried again before it fails with <c>ratelimited</c>.</summary>
    public const int RateLimitRetries = PlatformHttp.RateLimitRetries;

    private readonly SlackUserCache _users = users ?? new SlackUserCache();

    public async Task<SlackAuth> AuthTestAsync(CancellationToken cancellationToken)
    {
        var r = await CallFormAsync("auth.test", [], SlackJson.Default.SlackAuthResponse, BotToken, cancellationToken);
        return new SlackAuth(r.UserId ?? throw Incomplete("auth.test", "user_id"), r.BotId, r.Team, r.Url);
    }

    public async Task<SlackPosted> PostMessageAsync(SlackOutgoing message, CancellationToken cancellationToken)
    {
        var body = new SlackChatRequest(message.Channel, message.Text, message.Blocks, message.ThreadTs, UnfurlLinks: false);
        var r = await CallJsonAsync("chat.postMessage", body, SlackJson.Default.SlackPostResponse, cancellationToken);
        return new SlackPosted(r.Channel ?? message.Channel, r.Ts ?? throw Incomplete("chat.postMessage", "ts"));
    }

    /// <remarks>A message keeps its thread when edited, so <see cref="SlackOutgoing.ThreadTs"/> is not sent (chat.update has no such argument).</remarks>
    public Task UpdateMessageAsync(string channel, string ts, SlackOutgoing message, CancellationToken cancellationToken) =>
        CallJsonAsync("chat.update", new SlackChatRequest(channel, message.Text, message.Blocks, Ts: ts), SlackJson.Default.SlackPostResponse, cancellationToken);

    public Task PostEphemeralAsync(string user, SlackOutgoing message, CancellationToken cancellationToken) =>
        CallJsonAsync("chat.postEphemeral", new SlackChatRequest(message.Channel, message.Text, message.Blocks, message.ThreadTs, User: user),
            SlackJson.Default.SlackAckResponse, cancellationToken);

    /// <summary><c>users.info</c>, remembered for a while (people rarely rename themselves); null when Slack has no such user.</summary>
    public async Task<SlackUser?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        if (_users.TryGet(userId, time.GetUtcNow()) is { } known) return known;
        SlackUserResponse r;
        try
        {
            r = await CallFormAsync("users.info", [new("user", userId)], SlackJson.Default.SlackUserResponse, BotToken, cancellationToken);
        }
        catch (SlackApiException e) when (e.Error == "user_not_found")
        {
            return null;
        }
        var u = r.User ?? throw Incomplete("users.info", "user");
        var user = new SlackUser(u.Id, u.Name, u.Profile?.DisplayName, u.RealName ?? u.Profile?.RealName);
        _users.Put(user, time.GetUtcNow());
        return user;
    }

    /// <summary><c>files.getUploadURLExternal</c>, upload, <c>files.completeUploadExternal</c>: long logs as a file.</summary>
    public async Task UploadFileAsync(SlackUpload upload, CancellationToken cancellationToken)
    {
        const string method = "files.getUploadURLExternal";
        var target = await CallFormAsync(method,
            [new("filename", upload.FileName), new("length", upload.Content.Length.ToString(CultureInfo.InvariantCulture))],
            SlackJson.Default.SlackUploadUrlResponse, BotToken, cancellationToken);
        var uploadUrl = new Uri(target.UploadUrl ?? throw Incomplete(method, "upload_url"));
        var fileId = target.FileId ?? throw Incomplete(method, "file_id");

        // The upload URL is signed by Slack; it gets the bytes as the body and no token.
        using (var sent = await SendAsync("file upload", () => new HttpRequestMessage(HttpMethod.Post, uploadUrl) { Content = Bytes(upload.Content) }, cancellationToken))
            if (!sent.IsSuccessStatusCode) throw new SlackApiException("file upload", $"http_{(int)sent.StatusCode}");

        var files = JsonSerializer.Serialize([new SlackFileRef(fileId, upload.Title)], SlackJson.Default.ListSlackFileRef);
        var args = new List<KeyValuePair<string, string>> { new("files", files), new("channel_id", upload.Channel) };
        if (upload.ThreadTs is { } thread) args.Add(new("thread_ts", thread));
        if (upload.Comment is { } comment) args.Add(new("initial_comment", comment));
        await CallFormAsync("files.completeUploadExternal", args, SlackJson.Default.SlackAckResponse, BotToken, cancellationToken);
    }

    /// <summary><c>apps.connections.open</c> with the app-level token: the Socket Mode WebSocket URL.</summary>
    public async Task<Uri> OpenSocketAsync(CancellationToken cancellationToken)
    {
        var token = options.AppToken ?? throw new InvalidOperationException("SLACK_APP_TOKEN is not set, so Socket Mode cannot be opened.");
        var r = await CallFormAsync("apps.connections.open", [], SlackJson.Default.SlackConnectionResponse, token, cancellationToken);
        return new Uri(r.Url ?? throw Incomplete("apps.connections.open", "url"));
    }

    /// <summary>Posts to a <c>response_url</c> from a slash command or interaction.</summary>
    public async Task RespondAsync(string responseUrl, SlackOutgoing message, SlackResponseMode mode, CancellationToken cancellationToken)
    {
        var body = mode switch
        {
            SlackResponseMode.ReplaceOriginal => new SlackResponseUrlRequest(message.Text, message.Blocks, null, true),
            SlackResponseMode.InChannel => new SlackResponseUrlRequest(message.Text, message.Blocks, "in_channel", null),
            _ => new SlackResponseUrlRequest(message.Text, message.Blocks, "ephemeral", null),
        };
        var url = new Uri(responseUrl);
        // The URL itself is the credential: no bearer token goes with it.
        using var response = await SendAsync("response_url",
            () => new HttpRequestMessage(HttpMethod.Post, url) { Content = PlatformJson.Content(body, SlackJson.Default.SlackResponseUrlRequest) },
            cancellationToken);
        var answer = await PlatformJson.TryReadAsync(response, SlackJson.Default.SlackAckResponse, cancellationToken);
        if (answer is { Ok: false, Error: { } error }) throw new SlackApiException("response_url", error);
        if (!response.IsSuccessStatusCode) throw new SlackApiException("response_url", $"http_{(int)response.StatusCode}");
    }

    private static SlackApiException Incomplete(string method, string field) => new(method, $"invalid_response (no {field})");
}
