using System.Globalization;
using Bot.Text;
using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Chat.Line;

/// <summary>
/// LINE settings: <c>LINE_CHANNEL_SECRET</c> (verifies webhooks), <c>LINE_CHANNEL_ACCESS_TOKEN</c> (Messaging API
/// calls) and <c>LINE_API_URL</c> (default <c>https://api.line.me</c>; paths such as <c>/v2/bot/message/reply</c>
/// are appended), from the environment; <c>Line:PushesPerDeploy</c> (default 2) caps how much of the monthly
/// push quota one deployment may use, and <c>Line:ProgressAfter</c> (default 2m) is when a long deploy earns a
/// "still running" push in a group. What people send (a file's bytes) is served from <see cref="DataApiBase"/>:
/// <c>LINE_DATA_API_URL</c>, else <c>LINE_API_URL</c> when that is set (a compatible service serves both), else <c>https://api-data.line.me</c>.
/// </summary>
public sealed record LineOptions(string? ChannelSecret, string? AccessToken, Uri ApiBase, int PushesPerDeploy, TimeSpan ProgressAfter)
{
    public static readonly Uri DefaultApiBase = new("https://api.line.me");
    public static readonly Uri DefaultDataApiBase = new("https://api-data.line.me");

    /// <summary>Where message content is downloaded from (<c>/v2/bot/message/{messageId}/content</c>).</summary>
    public Uri DataApiBase { get; init; } = ApiBase == DefaultApiBase ? DefaultDataApiBase : ApiBase;

    public bool Enabled => !string.IsNullOrEmpty(ChannelSecret);

    public bool CanSend => !string.IsNullOrEmpty(AccessToken);

    public static LineOptions From(IConfiguration configuration)
    {
        var api = configuration["LINE_API_URL"] is { Length: > 0 } url ? new Uri(url.TrimEnd('/')) : DefaultApiBase;
        var pushes = 2;
        if (configuration["Line:PushesPerDeploy"] is { Length: > 0 } p
            && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out pushes) || pushes > 5))
            throw new ConfigException("Line:PushesPerDeploy", $"'{p}' should be a whole number from 0 to 5");
        var progress = TimeSpan.FromMinutes(2);
        if (configuration["Line:ProgressAfter"] is { Length: > 0 } a && Durations.Parse(a) is not { } parsed)
            throw new ConfigException("Line:ProgressAfter", $"'{a}' is not a duration; write it as 90s or 2m");
        else if (configuration["Line:ProgressAfter"] is { Length: > 0 } b) progress = Durations.Parse(b)!.Value;
        var options = new LineOptions(Blank(configuration["LINE_CHANNEL_SECRET"]), Blank(configuration["LINE_CHANNEL_ACCESS_TOKEN"]), api, pushes, progress);
        return configuration["LINE_DATA_API_URL"] is { Length: > 0 } data ? options with { DataApiBase = new Uri(data.TrimEnd('/')) } : options;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
