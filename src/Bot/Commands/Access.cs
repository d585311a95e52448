using Bot.Configuration;
using Bot.Deployments;

namespace Bot.Commands;

/// <summary>
/// Who may do what, from where: <c>Channels</c>, <c>Viewers</c> and <c>Deployers</c> per app and environment, <c>Admins</c>
/// process-wide, each a list of entries <see cref="PeopleDirectory"/> reads. An empty list means anyone (in an allowed channel).
/// The console is the operator at the bot's own terminal and is trusted, unless some list names a <c>console:</c> identity:
/// then it is checked like any platform. A refusal names the key to change and who can help.
/// </summary>
public sealed class Access(BotOptions options, PeopleDirectory people, CommandRateLimiter limiter)
{
    public bool IsTrusted(Origin origin) => origin.Platform == "console" && !people.ConsoleConfigured;

    public PeopleDirectory People => people;

    /// <summary>Reads the platform groups the lists name, waiting only for those never read (see <see cref="IGroupDirectory"/>).</summary>
    public Task PrepareAsync(CancellationToken cancellationToken) => people.PrepareAsync(wait: true, cancellationToken);

    /// <summary>Null when the person may send another command now, else the answer that says when they may.</summary>
    public string? CheckRate(Origin origin)
    {
        if (IsTrusted(origin)) return null;
        if (limiter.TryTake(people.PersonOf(origin) ?? origin.QualifiedUser) is not { } wait) return null;
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        var when = seconds < 120 ? $"{Math.Max(seconds, 1)} s" : $"{(int)Math.Ceiling(wait.TotalMinutes)} min";
        return $"You've sent {limiter.Limit.Count} commands in the last {limiter.Limit.Window}; try again in {when}.";
    }

    /// <summary>Null when commands about <paramref name="app"/> are accepted in this conversation, else why not.</summary>
    public string? CheckChannel(AppEnvConfig app, Origin origin)
    {
        if (IsTrusted(origin) || InChannel(app, origin)) return null;
        return $"{app.App} is not handled in this conversation. Use one of its channels ({string.Join(", ", app.Channels.Select(c => $"`{c}`"))}), " +
               $"or ask an admin to add `{origin.Platform}:{origin.Conversation}` to `{app.SetAt("Channels")}`.";
    }

    /// <summary>Null when the person may change <paramref name="app"/> (deploy, roll back, lock...), else a refusal naming the key.</summary>
    public string? CheckDeployer(AppEnvConfig app, Origin origin, string verb) =>
        May(Role.Deploy, app, origin) ? null
            : Only(app.SetAt("Deployers"), app.Deployers, $"{verb} {app.App} {(verb == "deploy" ? "to" : "in")} {app.Env}", origin);

    /// <summary>Null when the person may set and unset config vars of <paramref name="app"/> (<c>ConfigEditors</c>, else its deployers).</summary>
    public string? CheckConfigEditor(AppEnvConfig app, Origin origin) =>
        app.ConfigEditors is not { } editors ? CheckDeployer(app, origin, "change the config of")
        : IsTrusted(origin) || editors.Count == 0 || people.IsListed(editors, origin) ? null
        : Only(app.SetAt("ConfigEditors"), editors, $"change the config of {app.App} in {app.Env}", origin);

    /// <summary>Null when the person may run the tasks of <paramref name="app"/> (<c>Runners</c>, else its deployers).</summary>
    public string? CheckRunner(AppEnvConfig app, Origin origin) =>
        app.Runners is not { } runners ? CheckDeployer(app, origin, "run tasks of")
        : IsTrusted(origin) || runners.Count == 0 || people.IsListed(runners, origin) ? null
        : Only(app.SetAt("Runners"), runners, $"run tasks of {app.App} in {app.Env}", origin);

    /// <summary>
    /// A conversation with the bot alone, where a value typed is seen by nobody else: a Slack direct message (its id starts
    /// with D), a LINE 1:1 chat (the user's id, U…), and the console at the bot's own terminal.
    /// </summary>
    public static bool IsDirect(Origin origin) => origin.Platform switch
    {
        "console" => true,
        "slack" => origin.Conversation.StartsWith('D'),
        "line" => origin.Conversation.StartsWith('U'),
        _ => false,
    };

    /// <summary>Null when the person may use the read-only commands of <paramref name="app"/>; its deployers always may.</summary>
    public string? CheckViewer(AppEnvConfig app, Origin origin, string what) =>
        May(Role.View, app, origin) ? null
            : Only(app.SetAt("Viewers"), app.Viewers, $"{what} {app.App} in {app.Env}", origin, " (and its deployers)");

    public string? CheckAdmin(Origin origin, string verb) =>
        IsAdmin(origin) ? null : Only("Admins", options.Admins, verb, origin);

    /// <summary>Whether the person has <paramref name="role"/> for <paramref name="app"/> (not counting where they ask from).</summary>
    public bool May(Role role, AppEnvConfig app, Origin origin) => role switch
    {
        Role.Admin => IsAdmin(origin),
        Role.Deploy => IsTrusted(origin) || app.Deployers.Count == 0 || people.IsListed(app.Deployers, origin),
        _ => IsTrusted(origin) || app.Viewers.Count == 0 || people.IsListed(app.Viewers, origin)
             || app.Deployers.Count > 0 && people.IsListed(app.Deployers, origin)
             || app.Approvers.Count > 0 && people.IsListed(app.Approvers, origin),
    };

    public bool InChannel(AppEnvConfig app, Origin origin) =>
        app.Channels.Count == 0 || app.Channels.Any(c => Matches(c, origin.Platform, origin.Conversation));

    public bool IsAdmin(Origin origin) => IsTrusted(origin) || options.Admins.Count == 0 || people.IsListed(options.Admins, origin);

    public bool IsListed(IReadOnlyList<string> entries, Origin origin) => people.IsListed(entries, origin);

    private string Only(string key, IReadOnlyList<string> entries, string what, Origin origin, string also = "")
    {
        var names = people.Describe(entries);
        var shown = names.Count <= 6 ? string.Join(", ", names) : string.Join(", ", names.Take(5)) + $" and {names.Count - 5} more";
        var you = people.PersonOf(origin) is { } person ? $"You are {person} (`{origin.QualifiedUser}`)" : $"Your id is `{origin.QualifiedUser}`";
        return $"Only `{key}`{also} may {what}; ask one of them: {shown}. {you}; an admin can add it to `{key}`.";
    }

    /// <summary><c>slack:C123</c> matches on platform and id; a bare <c>C123</c> on id alone.</summary>
    private static bool Matches(string entry, string platform, string id)
    {
        var colon = entry.IndexOf(':');
        if (colon < 0) return string.Equals(entry, id, StringComparison.Ordinal);
        return string.Equals(entry[..colon], platform, StringComparison.OrdinalIgnoreCase)
               && string.Equals(entry[(colon + 1)..], id, StringComparison.Ordinal);
    }
}
