using Bot.Configuration;
using Bot.Text;
using Microsoft.Extensions.Configuration;

namespace Bot.Deployments.Notify;

/// <summary>
/// Where deploy events go (<c>Notify:Webhooks</c>: https addresses, or http on this machine for trying it out) and the
/// secret that signs them (<c>Notify:Secret</c>, required with webhooks: an unsigned change event could be forged by
/// anyone who learns the address). <see cref="Source"/> names the bot in each event (<c>BOT_PUBLIC_URL</c>).
/// </summary>
public sealed record NotifyOptions(IReadOnlyList<Uri> Webhooks, string? Secret, string Source)
{
    /// <summary>The first wait after a failed delivery; it doubles up to <see cref="LongestWait"/>.</summary>
    public TimeSpan FirstWait { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan LongestWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the store is looked at when nothing here wakes the sender (another process's news).</summary>
    public TimeSpan LookEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an event's <c>seq</c> must have been the newest seen before events up to it are sent. PostgreSQL hands out
    /// numbers before commit, so a line can appear after a higher one from another process; SQLite writes one at a time.
    /// </summary>
    public TimeSpan Settle { get; init; }

    /// <summary>One process sends to a webhook at a time; a process that stops renewing loses it after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    public bool Enabled => Webhooks.Count > 0;

    public static NotifyOptions From(IConfiguration configuration, bool postgres)
    {
        var section = configuration.GetSection("Notify");
        KnownKeys.Check(section, "Notify", KnownKeys.Notify);
        var urls = new List<Uri>();
        foreach (var text in AppCatalog.List(section, "Webhooks"))
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || !(uri.Scheme == "https" || uri.Scheme == "http" && uri.IsLoopback))
                throw new ConfigException("Notify:Webhooks", $"expected https addresses (http only on this machine), not `{Tokens.Clip(text)}`");
            urls.Add(uri);
        }
        var secret = section["Secret"] is { Length: > 0 } s ? s : null;
        if (urls.Count > 0 && secret is null)
            throw new ConfigException("Notify:Secret", "missing; events to Notify:Webhooks are signed with it (set Notify__Secret)");
        var source = configuration["BOT_PUBLIC_URL"] is { Length: > 0 } url ? url.Trim().TrimEnd('/') : "deploybot";
        return new NotifyOptions(urls, secret, source) { Settle = postgres ? TimeSpan.FromSeconds(2) : TimeSpan.Zero };
    }
}
