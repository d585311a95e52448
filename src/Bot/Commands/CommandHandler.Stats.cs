using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Stats;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    /// <summary>The environment <c>stats</c> reads for all apps when none is named.</summary>
    public const string StatsEnv = "production";

    /// <summary><c>stats web [30d] [in env] [counts]</c>: the figures of one app/env, a button for their counts, and one for the page.</summary>
    private async Task<CommandResult> StatsAsync(StatsCommand c, AppConfig app, AppEnvConfig env, CancellationToken ct)
    {
        var report = await stats.ReportAsync(new StatsScope(app.Name, env.Env, c.Days), _ => true, ct).ConfigureAwait(false);
        return StatsReply(report, c);
    }

    /// <summary><c>stats [30d] [in env]</c>: the apps that have the environment and that this person may see, together.</summary>
    private async Task<CommandResult> StatsAllAsync(StatsCommand c, Origin origin, CancellationToken ct)
    {
        if (apps.All.Count == 0) return CommandResult.Refuse("No apps are configured yet. Add one under `Apps` in the config (see README).");
        var envName = c.Env ?? (apps.All.Any(a => a.HasEnv(StatsEnv)) ? StatsEnv : apps.All.OrderBy(a => a.Name, StringComparer.Ordinal).First().DefaultEnv);
        var having = apps.All.Where(a => a.HasEnv(envName)).ToList();
        if (having.Count == 0)
            return CommandResult.Refuse($"No app has an environment `{Text.Tokens.Clip(envName)}`. Type `stats <app>` or name one of theirs with `in <env>`.");
        var visible = having.Where(a => access.May(Role.View, a.For(envName), origin)).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        if (visible.Count == 0)
            return CommandResult.Refuse("You may not see any app's stats: each app's `Viewers` lists who may. Type `help` to see what you can do.");
        var report = await stats.ReportAsync(new StatsScope(null, envName, c.Days), visible.Contains, ct).ConfigureAwait(false);
        // The page of all apps shows every app: it is offered only to someone who may see each of them.
        return StatsReply(report, c, pageAllowed: visible.Count == having.Count);
    }

    private CommandResult StatsReply(StatsReport report, StatsCommand c, bool pageAllowed = true)
    {
        var card = new StatsCard(report);
        var scope = report.Scope;
        var actions = new List<ChatAction>();
        var again = CommandText.Render(c with { Counts = !c.Counts, Env = scope.Env }, scope.App ?? "")!;
        actions.Add(new ChatAction(c.Counts ? "Figures" : "Counts", again));
        if (pageAllowed && links.Stats(scope.App, scope.Env, scope.Days) is { } url)
            actions.Add(new ChatAction("Charts", url) { Url = url });
        return CommandResult.Reply(c.Counts ? card.Counts : card.Text, Tone.Info, [.. actions]);
    }
}
