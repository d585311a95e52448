using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Text;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    /// <summary>
    /// <c>run web migrate</c>: a named task (never a free-form command) against the live release, by a runner. It gets a card
    /// like a deploy; it runs beside a deploy unless the task says <c>"Lock": true</c>, when it takes the app/env's turn.
    /// </summary>
    private async Task<CommandResult> RunTaskAsync(RunCommand c, AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        var inEnv = InEnv(env);
        if (env.Tasks.Count == 0)
            return CommandResult.Refuse($"{env.App} has no tasks{(inEnv.Length == 0 ? "" : inEnv)}. Name them in its config under `{env.SetAt("Tasks")}`, e.g. \"migrate\": \"python manage.py migrate\" (see README, \"Tasks\").");
        var list = string.Join(", ", env.Tasks.Keys.Order(StringComparer.Ordinal).Select(t => $"`{t}`"));
        var buttons = env.Tasks.Keys.Order(StringComparer.Ordinal).Take(5)
            .Select(t => new ChatAction($"run {t}", $"run {env.App} {t}{inEnv}", $"Run {t} on {env.App} {env.Env}?")).ToArray();
        if (c.Task is null)
            return CommandResult.Reply($"{env.App} {env.Env} tasks: {string.Join(", ", env.Tasks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(Describe))}. Type `run {env.App} <task>{inEnv}`.", Tone.Info, buttons);
        if (!env.Tasks.TryGetValue(c.Task, out var task))
        {
            var closest = Suggest.Best(c.Task, env.Tasks.Keys);
            return CommandResult.Refuse($"{env.App} has no task `{Tokens.Clip(c.Task)}`. {(closest is null ? "" : $"Did you mean `{closest}`? ")}Its tasks: {list}.", buttons);
        }
        if (access.CheckRunner(env, origin) is { } no) return CommandResult.Refuse(no);
        if (targets.Get(env.Target) is not IRunsTasks)
            return CommandResult.Refuse($"{env.App} runs on the {env.Target} target, which cannot run one-off tasks.");
        var live = (await Store.SucceededAsync(env.App, env.Env, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        var request = new NewDeployment(env.App, env.Env, DeploymentKind.Task, live?.Ref, live?.Sha, task.Name, origin, null, false, time.GetUtcNow(),
            Approval: ApprovalFor(env)) { TakesLock = task.Lock };
        var result = await deployments.RequestAsync(request, ct).ConfigureAwait(false);
        // A task that takes the lock waits for its turn behind a deploy instead of being refused (a manual lock or a freeze still refuses it).
        if (result is Blocked { Lock.Kind: LockKind.Deploy } && task.Lock
            && await deployments.RequestAsync(request with { Waits = true, Approval = null }, ct).ConfigureAwait(false) is Enqueued { Deployment: var waiting })
            return new CommandResult([new ChatMessage($"🚦 Task {task.Name} (#{waiting.Number}) of {env.App} {env.Env} waits for its turn: it takes the deploy lock. Its card says when it starts.",
                Tone.Info, [new ChatAction("Cancel", $"cancel {env.App} #{waiting.Number}")])], true, waiting);
        return Answer(result, request);
    }

    private static string Describe(AppTask t) => t.Lock ? $"`{t.Name}` (takes the deploy lock)" : $"`{t.Name}`";
}
