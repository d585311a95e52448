using System.Globalization;
using Bot.Configuration;
using Bot.Text;
using Microsoft.Extensions.Configuration;

namespace Bot.Security;

/// <summary>
/// How page links are made: the bot's public base (<c>BOT_PUBLIC_URL</c>; without it no card gets a link), how long a
/// link stays good (<c>LogLinks:Lifetime</c>) and the key that signs them (<see cref="LinkKey"/>).
/// </summary>
public sealed record LogLinkOptions(string? PublicUrl, TimeSpan Lifetime, LinkKey Key)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    public static LogLinkOptions From(IConfiguration configuration, string dataDir)
    {
        var section = configuration.GetSection("LogLinks");
        KnownKeys.Check(section, "LogLinks", KnownKeys.LogLinks);
        var lifetime = DefaultLifetime;
        if (section["Lifetime"] is { Length: > 0 } text)
        {
            var parsed = Durations.Parse(text.Trim()) ?? (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t) ? t : null);
            if (parsed is not { } p || p < TimeSpan.FromMinutes(1) || p > Longest)
                throw new ConfigException("LogLinks:Lifetime", $"expected a duration from 1m to 365d such as 7d, 12h or 30m, not `{Tokens.Clip(text)}`");
            lifetime = p;
        }
        string? url = null;
        if (configuration["BOT_PUBLIC_URL"] is { Length: > 0 } raw)
        {
            if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0)
                throw new ConfigException("BOT_PUBLIC_URL", "expected the https address the bot is reached at, such as https://bot.example.com");
            url = uri.ToString().TrimEnd('/');
        }
        return new LogLinkOptions(url, lifetime, LinkKey.From(configuration, dataDir));
    }
}
