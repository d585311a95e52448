using System.Globalization;

namespace Bot.Security;

/// <summary>
/// Makes and checks the signed links of the log page (<c>/d/&lt;app&gt;/&lt;n&gt;</c>), the alert page (<c>/a/&lt;id&gt;</c>)
/// and the stats page (<c>/s/&lt;days&gt;d/&lt;env&gt;[/&lt;app&gt;]</c>).
/// </summary>
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

    /// <summary>The stats page of an app (or of all apps, <paramref name="app"/> null), or null without <c>BOT_PUBLIC_URL</c>.</summary>
    public string? Stats(string? app, string env, int days) =>
        Enabled ? $"{options.PublicUrl}{StatsPath(app, env, days)}?t={StatsToken(app, env, days)}" : null;

    public static string StatsPath(string? app, string env, int days) =>
        $"/s/{days.ToString(CultureInfo.InvariantCulture)}d/{Uri.EscapeDataString(env)}" + (app is null ? "" : "/" + Uri.EscapeDataString(app));

    public string StatsToken(string? app, string env, int days) => Token(LinkToken.Stats(app, env, days));

    public LinkCheck CheckStats(string? app, string env, int days, string? token) =>
        LinkToken.Verify(options.Key.Bytes, LinkToken.Stats(app, env, days), token, time.GetUtcNow());

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
