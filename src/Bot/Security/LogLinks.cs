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

/// <summary>Makes and checks the signed links of the log page (<c>/d/&lt;app&gt;/&lt;n&gt;</c>) and the alert page (<c>/a/&lt;id&gt;</c>).</summary>
public sealed class LogLinks(LogLinkOptions options, TimeProvider time)
{
    /// <summary>Cards carry links only when the bot knows where it is reachable.</summary>
    public bool Enabled => options.PublicUrl is not null;

    public TimeSpan Lifetime => options.Lifetime;

    /// <summary>The pages are served on this machine only (a loopback address: the console chat's own, or a local <c>serve</c>).</summary>
    public bool OnThisMachine => options.PublicUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>The page of a deployment, or null without <c>BOT_PUBLIC_URL</c>.</summary>
    public string? Deployment(string app, int number) =>
        Enabled ? $"{options.PublicUrl}{DeploymentPath(app, number)}?t={DeploymentToken(app, number)}" : null;

    public string? Alert(long id) =>
        Enabled ? $"{options.PublicUrl}/a/{id.ToString(CultureInfo.InvariantCulture)}?t={Token(LinkToken.Alert(id))}" : null;

    public static string DeploymentPath(string app, int number) => $"/d/{Uri.EscapeDataString(app)}/{number.ToString(CultureInfo.InvariantCulture)}";

    public string DeploymentToken(string app, int number) => Token(LinkToken.Deployment(app, number));

    public string AlertToken(long id) => Token(LinkToken.Alert(id));

    public LinkCheck CheckDeployment(string app, int number, string? token) =>
        LinkToken.Verify(options.Key.Bytes, LinkToken.Deployment(app, number), token, time.GetUtcNow());

    public LinkCheck CheckAlert(long id, string? token) => LinkToken.Verify(options.Key.Bytes, LinkToken.Alert(id), token, time.GetUtcNow());

    /// <summary>Expiry rounded up to the hour, so a card drawn again and again keeps one link.</summary>
    private string Token(string subject)
    {
        var until = time.GetUtcNow() + options.Lifetime;
        var hour = TimeSpan.TicksPerHour;
        var rounded = new DateTimeOffset((until.UtcTicks + hour - 1) / hour * hour, TimeSpan.Zero);
        return LinkToken.Sign(options.Key.Bytes, subject, rounded);
    }
}
