using Bot.Configuration;
using Bot.Deployments;

namespace Bot.Commands;

/// <summary>
/// Who may do what, from where. Users are named <c>platform:id</c> (<c>slack:U123</c>), a bare id, or
/// <c>@group</c>. Empty lists mean anyone. The console is the operator at the bot's own terminal and is trusted.
/// </summary>
public sealed class Access(BotOptions options)
{
    public static bool IsTrusted(Origin origin) => origin.Platform == "console";

    /// <summary>Null when commands about <paramref name="app"/> are accepted in this conversation, else why not.</summary>
    public string? CheckChannel(AppEnvConfig app, Origin origin)
    {
        if (IsTrusted(origin) || app.Channels.Count == 0) return null;
        if (app.Channels.Any(c => Matches(c, origin.Platform, origin.Conversation))) return null;
        return $"{app.App} is not handled in this conversation. Use one of its channels ({string.Join(", ", app.Channels.Select(c => $"`{c}`"))}), " +
               $"or ask an admin to add `{origin.Platform}:{origin.Conversation}` to `{app.KeyOf("Channels")}`.";
    }

    /// <summary>Null when the user may change <paramref name="app"/> (deploy, roll back, lock...), else a polite no with their id.</summary>
    public string? CheckDeployer(AppEnvConfig app, Origin origin, string verb)
    {
        if (IsTrusted(origin) || app.Deployers.Count == 0 || IsListed(app.Deployers, origin)) return null;
        return $"Sorry, you can't {verb} {app.App}: only its deployers can. Your id is `{origin.QualifiedUser}`; " +
               $"an admin can add it to `{app.KeyOf("Deployers")}`.";
    }

    public string? CheckAdmin(Origin origin, string verb)
    {
        if (IsTrusted(origin) || options.Admins.Count == 0 || IsListed(options.Admins, origin)) return null;
        return $"Sorry, only admins can {verb}. Your id is `{origin.QualifiedUser}`; an admin can add it to `Admins`.";
    }

    public bool IsListed(IReadOnlyList<string> entries, Origin origin) => entries.Any(e =>
        e.StartsWith('@') && options.Groups.TryGetValue(e[1..], out var members)
            ? members.Any(m => Matches(m, origin.Platform, origin.UserId))
            : Matches(e, origin.Platform, origin.UserId));

    /// <summary><c>slack:U123</c> matches on platform and id; a bare <c>U123</c> on id alone.</summary>
    private static bool Matches(string entry, string platform, string id)
    {
        var colon = entry.IndexOf(':');
        if (colon < 0) return string.Equals(entry, id, StringComparison.Ordinal);
        return string.Equals(entry[..colon], platform, StringComparison.OrdinalIgnoreCase)
               && string.Equals(entry[(colon + 1)..], id, StringComparison.Ordinal);
    }
}
