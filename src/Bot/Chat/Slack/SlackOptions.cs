using Microsoft.Extensions.Configuration;

namespace Bot.Chat.Slack;

/// <summary>
/// Slack settings, from environment variables only: <c>SLACK_SIGNING_SECRET</c> (verifies requests),
/// <c>SLACK_BOT_TOKEN</c> (Web API calls), <c>SLACK_APP_TOKEN</c> (Socket Mode, optional) and
/// <c>SLACK_API_URL</c> (default <c>https://slack.com/api/</c>; method names are appended).
/// </summary>
public sealed record SlackOptions(string? SigningSecret, string? BotToken, string? AppToken, Uri ApiBase)
{
    public static readonly Uri DefaultApiBase = new("https://slack.com/api/");

    /// <summary>Requests are only accepted when they can be verified.</summary>
    public bool Enabled => !string.IsNullOrEmpty(SigningSecret) || SocketMode;

    public bool SocketMode => !string.IsNullOrEmpty(AppToken) && !string.IsNullOrEmpty(BotToken);

    public bool CanSend => !string.IsNullOrEmpty(BotToken);

    public static SlackOptions From(IConfiguration configuration)
    {
        var api = configuration["SLACK_API_URL"] is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/") : DefaultApiBase;
        return new SlackOptions(Blank(configuration["SLACK_SIGNING_SECRET"]), Blank(configuration["SLACK_BOT_TOKEN"]),
            Blank(configuration["SLACK_APP_TOKEN"]), api);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
