using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;

namespace Bot.Commands;

/// <summary>
/// What <c>help</c> offers one person: the verbs they may use somewhere, and per app the verbs they may use in each of
/// its environments (the read-only ones need <c>Viewers</c>, the changing ones <c>Deployers</c>, freeze and audit <c>Admins</c>).
/// </summary>
public sealed class HelpMenu(AppCatalog apps, TargetRegistry targets, Access access, Origin origin)
{
    private static readonly string[] ViewVerbs = ["status", "history", "logs", "alerts", "stats"];

    /// <summary>Verbs that need the view role and a target that can do them (config needs config vars).</summary>
    private static readonly string[] ViewCapable = ["config"];
    private static readonly string[] DeployVerbs = ["deploy", "rollback", "cancel", "lock", "unlock", "mute", "unmute"];
    private static readonly string[] AdminVerbs = ["freeze", "unfreeze", "audit"];

    /// <summary>The read-only commands, as a refusal says them ("see the history of"); null for the others.</summary>
    public static string? Looks(Command command) => command switch
    {
        StatusCommand => "see the status of",
        StatsCommand => "see the stats of",
        HistoryCommand => "see the history of",
        LogsCommand => "read the logs of",
        AlertsCommand => "see the alerts of",
        ConfigCommand => "see the config of",
        _ => null,
    };

    /// <summary>The role a verb needs, null when anyone may use it (apps, help...).</summary>
    public static Role? RoleOf(string verb) =>
        ViewVerbs.Contains(verb) || ViewCapable.Contains(verb) ? Role.View
        : AdminVerbs.Contains(verb) ? Role.Admin
        : DeployVerbs.Contains(verb) || verb is "scale" or "restart" or "maintenance" or "promote" or "run" ? Role.Deploy
        : null;

    /// <summary>Whether the general list shows <paramref name="verb"/>: the person may use it for some app (or at all).</summary>
    public bool Offers(VerbInfo verb) => RoleOf(verb.Name) switch
    {
        null => true,
        Role.Admin => access.IsAdmin(origin),
        _ => apps.All.SelectMany(a => a.ByEnv.Values).Any(env => Usable(env).Contains(verb.Name)),
    };

    /// <summary>"Your apps:" and one line per app the person may use, or nothing when no app is configured.</summary>
    public string PerApp()
    {
        var lines = new List<string>();
        foreach (var app in apps.All.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var byEnv = app.Environments.Select(e => (Env: e, Verbs: Usable(app.For(e)))).Where(x => x.Verbs.Count > 0).ToList();
            if (byEnv.Count == 0) continue;
            var groups = byEnv.GroupBy(x => string.Join(", ", x.Verbs)).ToList();
            lines.Add(groups.Count == 1 && byEnv.Count == app.Environments.Count
                ? $"• `{app.Name}`: {groups[0].Key}"
                : $"• `{app.Name}`: " + string.Join("; ", groups.Select(g => $"{g.Key} in {string.Join(", ", g.Select(x => x.Env))}")));
        }
        if (apps.All.Count == 0) return "";
        return lines.Count == 0 ? "\nYou may not use any app yet: ask an admin to add you to its `Viewers` or `Deployers`."
            : "\nYour apps:\n" + string.Join('\n', lines);
    }

    /// <summary>The verbs the person may use for <paramref name="env"/> from this conversation.</summary>
    private List<string> Usable(AppEnvConfig env)
    {
        var verbs = new List<string>();
        if (!access.IsTrusted(origin) && !access.InChannel(env, origin)) return verbs;
        if (access.May(Role.Deploy, env, origin))
        {
            verbs.AddRange(DeployVerbs);
            var target = targets.Get(env.Target);
            if (target is ICanScale) verbs.Add("scale");
            if (target is ICanRestart) verbs.Add("restart");
            if (target is ICanMaintain) verbs.Add("maintenance");
            if (target is ICanPromote || apps.Find(env.App)?.Environments.Count > 1) verbs.Add("promote");
        }
        if (access.May(Role.View, env, origin))
        {
            verbs.AddRange(ViewVerbs);
            if (targets.Get(env.Target) is Targets.Config.IHasConfig) verbs.Add("config");
        }
        if (env.Tasks.Count > 0 && targets.Get(env.Target) is IRunsTasks && access.CheckRunner(env, origin) is null) verbs.Add("run");
        return verbs;
    }
}
