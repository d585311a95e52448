namespace Bot.Commands;

public static class Verbs
{
    public static readonly IReadOnlyList<VerbInfo> All =
    [
        new("deploy", "deploy <app> [<branch|tag|sha>] [to <env>]", "Deploy a branch, tag or commit (default: the app's default branch).",
            ["deploy web", "deploy web main to staging", "deploy web v1.4.2"], ["ship"]),
        new("rollback", "rollback <app> [<#id|release>] [in <env>]", "Put the previous (or a named) release back.",
            ["rollback web", "rollback web #41", "rollback web v122 in staging"], ["revert"]),
        new("cancel", "cancel <app|#id>", "Stop a queued or running deployment.", ["cancel web", "cancel #42"], ["stop", "abort"]),
        new("status", "status [<app>] [<env>]", "What is live, what is running, what is locked.", ["status", "status web"], ["st"]),
        new("history", "history <app> [n] [in <env>]", "The last deployments: who, when, what, result.", ["history web", "history web 20"], ["releases"]),
        new("logs", "logs <app> [n] [since 15m] [grep <text>]", "The app's recent log lines; with `#42`, the link to that deployment's whole log.",
            ["logs web", "logs web 200 grep error", "logs web since 30m", "logs web #42"], ["log", "tail"]),
        new("lock", "lock <app> [<env>] [reason]", "Stop others from deploying until you unlock.", ["lock web testing migrations"]),
        new("unlock", "unlock <app> [<env>]", "Remove a lock.", ["unlock web"]),
        new("apps", "apps", "List the apps this bot can deploy.", ["apps"], ["list", "ls"]),
        new("help", "help [<verb>]", "Show commands, or one command in detail.", ["help", "help deploy"], ["?", "commands"]),
        new("scale", "scale <app> <process>=<n> ... [size] | scale <app> <n>", "Change how many processes (or, on ECS, tasks) run.", ["scale web web=2 worker=1", "scale web 3"], null, "scale"),
        new("restart", "restart <app> [<process>]", "Restart the app's processes.", ["restart web", "restart web web.1"], null, "restart"),
        new("maintenance", "maintenance <app> on|off", "Turn maintenance mode on or off.", ["maintenance web on"], ["maint"], "maintenance"),
        new("promote", "promote <app> <from-env> to <to-env> | promote <app> canary", "Deploy what runs in one environment to another, or end a canary now.",
            ["promote web staging to production", "promote api canary"]),
        new("config", "config <app> [in <env>] | config set|unset <app> KEY=value … [in <env>]",
            "List the app's config var names (never values); set or unset them in a direct message to the bot.",
            ["config web", "config web in staging", "config set web SHOP_MODE=on", "config unset web OLD_FLAG"], ["env"]),
        new("run", "run <app> <task> [in <env>]", "Run one of the app's named one-off tasks against the live release.",
            ["run web migrate", "run web", "run web seed in staging"], ["task"]),
        new("freeze", "freeze [reason]", "Stop all deploys until unfreeze.", ["freeze release week"]),
        new("unfreeze", "unfreeze", "Allow deploys again.", ["unfreeze"]),
        new("approve", "approve #id", "Approve a deployment that waits for approval (someone else's, unless the config allows your own).", ["approve #42", "approve web #42"]),
        new("reject", "reject #id [reason]", "Reject a deployment that waits for approval; it ends without running.", ["reject #42", "reject #42 not during the sale"]),
        new("alerts", "alerts [<app>]", "Recent alerts and their state.", ["alerts", "alerts web"]),
        new("mute", "mute <app> [1h]", "Silence an app's alerts for a while (they are still recorded).", ["mute web 1h"]),
        new("unmute", "unmute <app>", "Let an app's alerts through again.", ["unmute web"]),
        new("stats", "stats [<app>] [7d|30d|90d] [in <env>]", "How the team ships: the five DORA figures against the period before (default: all apps, 30 days).",
            ["stats", "stats web", "stats web 90d in staging", "stats web counts"], ["dora"]),
        new("audit", "audit [<app>] [n]", "Who asked for what, where, and what happened.", ["audit", "audit web 20"]),
    ];

    private static readonly Dictionary<string, VerbInfo> ByName = All
        .SelectMany(v => (v.Aliases ?? []).Prepend(v.Name).Select(n => (n, v)))
        .ToDictionary(x => x.n, x => x.v, StringComparer.OrdinalIgnoreCase);

    public static VerbInfo? Find(string word) => ByName.GetValueOrDefault(word);

    public static IEnumerable<string> Names => All.Select(v => v.Name);
}
