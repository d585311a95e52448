using Bot.Text;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    private CommandResult ListApps()
    {
        if (apps.All.Count == 0)
            return CommandResult.Refuse("No apps are configured yet. Add one under `Apps` in the config (see README).");
        var lines = apps.All.OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => $"• `{a.Name}` ({a.Target}) → {string.Join(", ", a.Environments)}");
        var first = apps.Names.First();
        return new CommandResult([new ChatMessage("Apps I can deploy:\n" + string.Join('\n', lines), Tone.Info,
            [new ChatAction($"deploy {first}", $"deploy {first}"), new ChatAction($"status {first}", $"status {first}")])], true);
    }

    private CommandResult Help(string? verb, Origin origin)
    {
        if (verb is not null)
        {
            var info = Verbs.Find(verb);
            if (info is null)
            {
                var best = Suggest.Best(verb, AvailableVerbs().Select(v => v.Name));
                return CommandResult.Refuse($"There is no command `{Tokens.Clip(verb)}`." + (best is null ? "" : $" Did you mean `{best}`?") + " Type `help` for the list.");
            }
            var shown = HelpExamples.For(info, apps);
            var examples = string.Join('\n', shown.Select(e => $"• `{e}`"));
            var aliases = info.Aliases is { Length: > 0 } a ? $"\nAlso: {Quote(a)}." : "";
            return CommandResult.Reply($"`{info.Usage}`\n{info.Summary}{aliases}\nFor example:\n{examples}", Tone.Info,
                // An example that sets a value is there to read, not to tap (in a channel it would be refused).
                shown.Where(e => !e.Contains('=', StringComparison.Ordinal)).Take(2).Select(e => new ChatAction(e, e)).ToArray());
        }
        var menu = new HelpMenu(apps, targets, access, origin);
        var list = AvailableVerbs().Where(menu.Offers).Select(v => $"• `{v.Usage}` — {v.Summary}");
        return CommandResult.Reply("Here is what I can do for you:\n" + string.Join('\n', list) + menu.PerApp() + "\nType `help <command>` for examples.", Tone.Info,
            new ChatAction("apps", "apps"), new ChatAction("status", "status"));
    }

    /// <summary>The verbs to offer: not the later ones, and scale/restart/maintenance only if some app's target can.</summary>
    private IEnumerable<VerbInfo> AvailableVerbs()
    {
        var kinds = apps.All.Select(a => targets.Get(a.Target)).ToList();
        var approvals = apps.All.Any(a => a.ByEnv.Values.Any(e => e.Approval.Required));
        var promotes = kinds.Any(t => t is ICanPromote) || apps.All.Any(a => a.Environments.Count > 1);
        return Verbs.All.Where(v => (v.Name != "promote" || promotes)
                                    && (approvals || v.Name is not ("approve" or "reject")) && v.Capability switch
        {
            "scale" => kinds.Any(t => t is ICanScale),
            "restart" => kinds.Any(t => t is ICanRestart),
            "maintenance" => kinds.Any(t => t is ICanMaintain),
            _ => true,
        });
    }

    private async Task<CommandResult> StatusAllAsync(Origin origin, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lines = new List<string>();
        var frozenNoted = false;
        foreach (var app in apps.All.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var snapshot = await deployments.Snapshots.GetAsync(app.Name, app.Environments, ct).ConfigureAwait(false);
            if (!frozenNoted && snapshot.Locks.FirstOrDefault(l => l.Kind == LockKind.Freeze) is { } freeze)
            {
                lines.Insert(0, $"🧊 Deploys are frozen by {freeze.HolderName} since {Format.Clock(freeze.Since, now)}{Reason(freeze)}.");
                frozenNoted = true;
            }
            foreach (var env in app.Environments.Where(e => access.May(Role.View, app.For(e), origin)))
                lines.AddRange(EnvSummary(app.Name, env, snapshot, now));
        }
        if (lines.Count == 0)
            return CommandResult.Refuse(apps.All.Count == 0 ? "No apps are configured yet. Add one under `Apps` in the config (see README)."
                : "You may not see any app's status: each app's `Viewers` lists who may. Type `help` to see what you can do.");
        return CommandResult.Reply(string.Join('\n', lines), Tone.Info);
    }

    private static IEnumerable<string> EnvSummary(string app, string env, AppSnapshot snapshot, DateTimeOffset now)
    {
        var live = snapshot.Live.GetValueOrDefault(env);
        yield return snapshot.DoubtFor(env) is { } doubt ? $"`{app}` {env}: ⚠️ unknown — {doubt.Describe()}"
            : live is null
            ? $"`{app}` {env}: nothing deployed yet"
            : $"`{app}` {env}: ✅ #{live.Number} {live.RefLabel} · {live.Origin.UserName} · {Format.Ago(live.FinishedAt ?? live.CreatedAt, now)}";
        foreach (var d in snapshot.Active.Where(d => d.Env == env))
            yield return $"    {d.State switch { DeploymentState.Queued => "🕒", DeploymentState.AwaitingApproval => "⏸ awaiting approval", DeploymentState.Waiting => "🚦 waiting", _ => "⏳" }} #{d.Number} {d.Verb} {d.RefLabel} · {d.Origin.UserName} · {Format.Duration(d.Elapsed(now))}";
        foreach (var l in snapshot.Locks.Where(l => l.Kind == LockKind.Manual && l.App == app && l.Env == env))
            yield return $"    🔒 locked by {l.HolderName}{Reason(l)}";
    }

    private async Task<CommandResult> StatusAsync(AppConfig app, string? onlyEnv, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var snapshot = await deployments.Snapshots.GetAsync(app.Name, app.Environments, ct).ConfigureAwait(false);
        var (locks, active) = (snapshot.Locks, snapshot.Active);
        var messages = new List<ChatMessage>();
        foreach (var envName in app.Environments.Where(e => onlyEnv is null || e.Equals(onlyEnv, StringComparison.OrdinalIgnoreCase)))
        {
            var env = app.For(envName);
            var lines = new List<string> { $"{app.Name} · {envName} ({app.Target})" };
            var live = snapshot.Live.GetValueOrDefault(envName);
            lines.Add(snapshot.DoubtFor(envName) is { } doubt ? $"⚠️ Live: unknown — {doubt.Describe()}."
                : live is null
                ? "Live: nothing deployed by me yet."
                : $"✅ Live: #{live.Number} {live.RefLabel}{Subject(live)} · {live.Origin.UserName} · {Format.Ago(live.FinishedAt ?? live.CreatedAt, now)}{(live.Url ?? env.Url) switch { null => "", var u => $" · {u}" }}");
            // What holds the environment (running, queued, awaiting approval); deploys waiting for checks or their turn come after it.
            var running = active.FirstOrDefault(d => d.Env == envName && d.State != DeploymentState.Waiting);
            if (running is not null)
            {
                lines.Add($"{running.State switch { DeploymentState.Queued => "🕒 Queued", DeploymentState.AwaitingApproval => "⏸ Awaiting approval", _ => "⏳ Now" }}: #{running.Number} {running.Verb} of {running.RefLabel} · {running.Origin.UserName} · {Format.Duration(running.Elapsed(now))}");
                if (running.State == DeploymentState.AwaitingApproval && await Store.ApprovalAsync(running.Id, ct).ConfigureAwait(false) is { } waiting)
                    lines.Add($"    {DeploymentCard.Waiting(waiting, now)} Type `approve {app.Name} #{running.Number}` or `reject {app.Name} #{running.Number} [reason]`.");
                foreach (var e in await Store.TailAsync(running.Id, 3, ct).ConfigureAwait(false))
                    lines.Add($"    │ {e.Text}");
            }
            foreach (var w in active.Where(d => d.Env == envName && d.State == DeploymentState.Waiting).Reverse())
                lines.Add($"🚦 Waiting: #{w.Number} {w.Verb} of {w.RefLabel} · {w.Origin.UserName}{(w.Via is null ? "" : " (push)")} · {Format.Duration(w.Elapsed(now))}" +
                          $" (for its checks or its turn; `cancel {app.Name} #{w.Number}` drops it)");
            foreach (var l in locks.Where(l => l.Kind != LockKind.Deploy && (l.App == app.Name && l.Env == envName || l.Kind == LockKind.Freeze)))
                lines.Add(l.Kind == LockKind.Freeze
                    ? $"🧊 All deploys frozen by {l.HolderName} since {Format.Clock(l.Since, now)}{Reason(l)}"
                    : $"🔒 Locked by {l.HolderName} since {Format.Clock(l.Since, now)}{Reason(l)}");
            if (targets.Get(env.Target) is IHasStatus described)
                lines.AddRange(await described.DescribeAsync(env, ct).ConfigureAwait(false));
            var actions = running is not null
                ? new[] { new ChatAction("Cancel", $"cancel {app.Name} #{running.Number}", $"Stop #{running.Number} of {app.Name}?"), new ChatAction("Logs", $"logs {app.Name} in {envName}") }
                : [new ChatAction("Deploy", $"deploy {app.Name} to {envName}"), new ChatAction("Logs", $"logs {app.Name} in {envName}"), new ChatAction("History", $"history {app.Name} in {envName}")];
            messages.Add(new ChatMessage(string.Join('\n', lines), Tone.Info, actions));
        }
        return new CommandResult(messages, true);
    }

    private async Task<CommandResult> HistoryAsync(AppEnvConfig env, int count, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var list = await Store.ListAsync(env.App, env.Env, count, activeOnly: false, ct).ConfigureAwait(false);
        var live = (await Store.SucceededAsync(env.App, env.Env, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        var messages = new List<ChatMessage>();
        if (list.Count > 0)
        {
            var lines = list.Select(d =>
                $"#{d.Number} {new DeploymentCard(d, [], now).Emoji} {d.Kind switch { DeploymentKind.Rollback => $"rollback {d.RefLabel}{Subject(d, 28)}", DeploymentKind.Config or DeploymentKind.Task => new DeploymentCard(d, [], now).What, _ => $"{d.RefLabel}{Subject(d, 28)}" }} · {d.Origin.UserName} · {Format.Ago(d.CreatedAt, now)}" +
                (d.StartedAt is null ? "" : $" · {Format.Duration(d.Elapsed(now))}") + (d.Id == live?.Id ? " ← live" : "")).ToList();
            messages.Add(new ChatMessage($"{env.App} {env.Env}: the last {list.Count} deployments", Tone.Info,
                [new ChatAction("Roll back", $"rollback {env.App} in {env.Env}", $"Put the release before the live one of {env.App} back?"), new ChatAction("Status", $"status {env.App}")],
                lines, "history"));
        }
        if (targets.Get(env.Target) is IHasReleases releases)
        {
            var theirs = await releases.ListReleasesAsync(env, count, ct).ConfigureAwait(false);
            if (theirs.Count > 0)
                messages.Add(new ChatMessage($"Releases on {env.Target}:", Tone.Info, null,
                    theirs.Select(ReleaseLine).ToList(), "releases"));
        }
        if (messages.Count == 0)
            return CommandResult.Reply($"No deployments of {env.App} to {env.Env} yet. Type `deploy {env.App}` to make the first.", Tone.Info,
                new ChatAction($"deploy {env.App}", $"deploy {env.App} to {env.Env}"));
        return new CommandResult(messages, true);
    }

    private async Task<CommandResult> LogsAsync(AppEnvConfig env, LogsCommand c, CancellationToken ct)
    {
        if (c.Deployment is { } number) return await DeploymentLogAsync(env, number, ct).ConfigureAwait(false);
        var result = await targets.Get(env.Target).ReadLogsAsync(env, new LogRequest(c.Lines, c.Since, c.Grep, c.Options), ct).ConfigureAwait(false);
        var lines = result.Lines.Select(redactor.Redact).ToList();
        if (lines.Count == 0)
            return CommandResult.Reply(result.Note ?? (c.Grep is null ? $"No log lines from {env.App} {env.Env}." : $"No log lines of {env.App} {env.Env} contain \"{c.Grep}\"."), Tone.Info);
        var title = $"{env.App} {env.Env}: the last {lines.Count} log lines" + (c.Grep is null ? "" : $" with \"{c.Grep}\"");
        var more = Math.Min(c.Lines * 4, CommandParser.MaxLogLines);
        return new CommandResult([new ChatMessage(result.Note is null ? title : $"{title}. {result.Note}", Tone.Info,
            [new ChatAction("More", $"logs {env.App} {more} in {env.Env}"), new ChatAction("Errors only", $"logs {env.App} 200 in {env.Env} grep error")],
            lines, $"logs-{env.App}")], true);
    }

    private async Task<CommandResult> AuditLogAsync(string? app, int count, Origin origin, CancellationToken ct)
    {
        if (access.CheckAdmin(origin, "read the audit log") is { } no) return CommandResult.Refuse(no);
        var now = time.GetUtcNow();
        var entries = await Store.AuditLogAsync(app, count, ct).ConfigureAwait(false);
        if (entries.Count == 0) return CommandResult.Reply("The audit log is empty.", Tone.Info);
        var lines = entries.Select(e => $"{Format.Clock(e.At, now)} {e.Person ?? e.UserName} ({e.Identity}): {Format.Gist(e.Command, 60)} → {Format.Gist(e.Result)}").ToList();
        return new CommandResult([new ChatMessage($"The last {entries.Count} commands{(app is null ? "" : $" about {app}")}:", Tone.Info, null, lines, "audit")], true);
    }

    /// <summary><c>v122 ← live · Deploy 3f2a1c9 · ana · 2h ago</c>; what a target does not know (who, when) is left out.</summary>
    private string ReleaseLine(TargetRelease r)
    {
        var parts = new List<string> { r.Name + (r.Current ? " ← live" : "") };
        if (!string.IsNullOrEmpty(r.Description)) parts.Add(r.Description);
        if (r.By is { Length: > 0 } by) parts.Add(by);
        if (r.At != DateTimeOffset.MinValue) parts.Add(Format.Ago(r.At, time.GetUtcNow()));
        return string.Join(" · ", parts);
    }

    /// <summary>The commit's subject in quotes; for a config change, what it changed (its subject names keys, not a commit).</summary>
    private static string Subject(Deployment d, int max = 50) =>
        string.IsNullOrEmpty(d.Subject) ? ""
        : d.Kind == DeploymentKind.Config ? $" (config: {Tokens.Clip(d.Subject, max)})"
        : $" \"{(d.Subject.Length <= max ? d.Subject : d.Subject[..(max - 1)] + "…")}\"";
}
