using System.Globalization;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Text;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    /// <summary>How long a <c>.env</c> file sent in a direct message waits for its confirm.</summary>
    public static readonly TimeSpan EnvFileKept = TimeSpan.FromMinutes(15);

    /// <summary>The notes that hold a <c>.env</c> file waiting for its confirm, sealed, keyed by who sent it.</summary>
    public const string EnvFileScope = "env-file";

    /// <summary><c>config web</c>: names, fingerprints and when each changed; never a value.</summary>
    private async Task<CommandResult> ConfigListAsync(AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        if (targets.Get(env.Target) is not IHasConfig editor)
            return CommandResult.Refuse($"{env.App} runs on the {env.Target} target, which has no config vars the bot can read.");
        var listing = await editor.ReadConfigAsync(env, seal.Fingerprints, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var lines = new List<string>
        {
            listing.Vars.Count == 0
                ? $"{env.App} {env.Env} has no config vars{(listing.Note is null ? "" : $" ({listing.Note})")}."
                : $"⚙️ {env.App} {env.Env}: {listing.Vars.Count} config var{(listing.Vars.Count == 1 ? "" : "s")}{(listing.Note is null ? "" : $" ({listing.Note})")}; values are never shown, fingerprints match where values do.",
        };
        foreach (var v in listing.Vars)
        {
            var what = v.Reference is { } r ? $"→ {r}" : $"`{v.Fingerprint}`";
            var when = (v.ChangedIn, v.ChangedAt) switch
            {
                (null, null) => "",
                ({ } release, null) => $" · {release}",
                (null, { } at) => $" · {Format.Ago(at, now)}",
                ({ } release, { } at) => $" · {release}, {Format.Ago(at, now)}",
            };
            lines.Add($"• {v.Name} {what}{when}");
        }
        var inEnv = InEnv(env);
        var actions = new List<ChatAction>();
        // Slack opens a private form for Set…; elsewhere the way is a direct message.
        if (access.CheckConfigEditor(env, origin) is null)
        {
            if (origin.Platform == "slack") actions.Add(new ChatAction("Set…", $"config set {env.App}{inEnv}"));
            else lines.Add(Access.IsDirect(origin)
                ? $"To change one, type `config set {env.App} KEY=value{inEnv}`."
                : $"To change one, send `config set {env.App} KEY=value{inEnv}` to me in a direct message.");
        }
        actions.Add(new ChatAction("History", $"history {env.App}{inEnv}"));
        return CommandResult.Reply(string.Join('\n', lines), Tone.Info, [.. actions]);
    }

    /// <summary><c>config set|unset web …</c>: only where nobody else reads it (a direct message), by a config editor.</summary>
    private async Task<CommandResult> ConfigSetAsync(ConfigSetCommand c, AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        if (c.Change.Set.Count > 0 && !Access.IsDirect(origin))
        {
            var inEnv = InEnv(env);
            var seen = origin.Platform == "slack" && c.Change.Set.Count > 0 ? " If you sent it as a message others can see, delete it and treat the value as exposed." : "";
            var form = origin.Platform == "slack" ? ", or tap Set… to type them privately" : "";
            return CommandResult.Refuse($"Config values are never set in a channel, where everyone would read them: send `config set {env.App} {c.Change.Set.Keys.First()}=…{inEnv}` to me in a direct message{form}.{seen}",
                origin.Platform == "slack" ? [new ChatAction("Set…", $"config set {env.App}{inEnv}")] : []);
        }
        return await ApplyConfigAsync(env, origin, c.Change, c.Notes, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A change given privately, from a platform's own form (a Slack modal) or a confirmed <c>.env</c> file: the same checks
    /// and the same deployment as a typed <c>config set</c> in a direct message, audited by names only.
    /// </summary>
    public async Task<CommandResult> ChangeConfigAsync(Origin origin, string appName, string? envName, ConfigChange change, IReadOnlyList<string> notes, string how, CancellationToken ct)
    {
        var text = $"config set {appName} {string.Join(' ', change.Set.Keys.Select(k => k + "=…").Concat(change.Unset.Select(u => "-" + u)))}{(envName is null ? "" : $" in {envName}")} ({how})";
        var command = new ConfigSetCommand(appName, change, envName) { Notes = notes };
        (CommandResult Result, string Outcome) done;
        var (env, refused) = FindEnv(appName, envName, command);
        done = env is null ? (refused!, AuditOutcome.Refused)
            : await RunGuardedAsync(() => ApplyConfigAsync(env, origin, change, notes, ct), command, origin, ct).ConfigureAwait(false);
        await AuditAsync(new ChatRequest(origin, text), command, done.Result, done.Outcome).ConfigureAwait(false);
        return done.Result;
    }

    /// <summary>Why <paramref name="origin"/> may not open a form to change the config of an app/env; null when they may.</summary>
    public CommandResult? ConfigFormRefusal(Origin origin, string appName, string? envName)
    {
        var (env, refused) = FindEnv(appName, envName, new ConfigCommand(appName, envName));
        if (env is null) return refused;
        return access.CheckConfigEditor(env, origin) is { } no ? CommandResult.Refuse(no)
            : targets.Get(env.Target) is not IHasConfig ? CommandResult.Refuse($"{env.App} runs on the {env.Target} target, which has no config vars the bot can change.")
            : null;
    }

    private async Task<(CommandResult, string)> RunGuardedAsync(Func<Task<CommandResult>> work, Command command, Origin origin, CancellationToken ct)
    {
        try
        {
            var result = await work().ConfigureAwait(false);
            return (result, result.Ok ? AuditOutcome.Ok : AuditOutcome.Refused);
        }
        catch (DeployFailedException e)
        {
            return (CommandResult.Refuse(e.Hint is null ? e.Message : $"{e.Message} {e.Hint}"), AuditOutcome.Refused);
        }
    }

    private async Task<CommandResult> ApplyConfigAsync(AppEnvConfig env, Origin origin, ConfigChange change, IReadOnlyList<string> notes, CancellationToken ct)
    {
        if (access.CheckConfigEditor(env, origin) is { } no) return CommandResult.Refuse(no);
        if (targets.Get(env.Target) is not IHasConfig editor)
            return CommandResult.Refuse($"{env.App} runs on the {env.Target} target, which has no config vars the bot can change.");
        redactor.Add(change.Secrets);
        if (editor.CheckLimits(env, change) is { } refused) return CommandResult.Refuse($"{refused} Nothing was changed.");
        var live = (await Store.SucceededAsync(env.App, env.Env, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        var to = CardOrigin(env, origin);
        var request = new NewDeployment(env.App, env.Env, DeploymentKind.Config, live?.Ref, live?.Sha, change.Summary, to, null, false, time.GetUtcNow(),
            Approval: ApprovalFor(env)) { Sealed = seal.Seal(change) };
        var result = await EnqueueAsync(request, ct).ConfigureAwait(false);
        if (!result.Ok || result.Started is not { } d) return result;
        var elsewhere = to != origin ? $" Its card is in {env.App}'s channel." : "";
        var said = new List<ChatMessage> { new($"{result.Messages[0].Text}{elsewhere}", result.Messages[0].Tone, result.Messages[0].Actions) };
        if (notes.Count > 0) said.Add(new ChatMessage(string.Join(' ', notes)));
        return result with { Messages = said };
    }

    /// <summary>
    /// A change asked for in a direct message shows its card in the app's channel, where the team sees it: one on the same
    /// platform if it has one, else its first channel elsewhere, there naming the person by their whole identity
    /// (<c>slack:U1</c>, as a push names its pusher) so approvals still know who asked. No channel: the direct message.
    /// </summary>
    private static Origin CardOrigin(AppEnvConfig env, Origin asked)
    {
        if (asked.Platform == "console" || !Access.IsDirect(asked)) return asked;
        var channels = env.Channels.Select(entry => entry.IndexOf(':') is var colon and > 0 ? (Platform: entry[..colon], Id: entry[(colon + 1)..]) : (asked.Platform, Id: entry))
            .Where(c => c.Id.Length > 0).ToList();
        if (channels.FirstOrDefault(c => c.Platform == asked.Platform) is { Id: not null } same) return asked with { Conversation = same.Id, Thread = null };
        if (channels.FirstOrDefault() is { Id: not null } other) return new Origin(other.Platform, other.Id, null, asked.QualifiedUser, asked.UserName);
        return asked;
    }

    /// <summary>
    /// A <c>.env</c> file sent in a direct message: read, sealed and kept for <see cref="EnvFileKept"/>, and answered with the
    /// names it sets and a button per app and environment the sender may change (the caption, when it names one, picks it).
    /// </summary>
    public async Task<CommandResult> ReceiveEnvFileAsync(Origin origin, string fileName, string text, string? caption, CancellationToken ct)
    {
        var name = Tokens.Clip(fileName, 60);
        CommandResult result;
        if (!Access.IsDirect(origin))
            result = CommandResult.Refuse($"I only read `.env` files in a direct message to me. If {name} holds secrets, delete it here and treat them as exposed.");
        else
        {
            var (entries, problems) = DotEnv.Parse(text);
            if (problems.Count > 0)
                result = CommandResult.Refuse($"{name} is not a .env file I can read ({string.Join("; ", problems.Take(3))}). Nothing was set.");
            else if (entries.Count == 0)
                result = CommandResult.Refuse($"{name} sets nothing: I found no KEY=value lines. Nothing was set.");
            else
            {
                var set = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var e in entries) set[e.Name] = e.Value;
                var change = new ConfigChange(set, []);
                redactor.Add(change.Secrets);
                await Store.SetNoteAsync(EnvFileScope, origin.QualifiedUser, $"{(time.GetUtcNow() + EnvFileKept).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)} {seal.Seal(change)}",
                    time.GetUtcNow(), ct).ConfigureAwait(false);
                var notes = entries.Where(e => e.Note is not null).Select(e => e.Note!).ToList();
                var choices = FileTargets(origin, caption).ToList();
                var names = $"{set.Count} key{(set.Count == 1 ? "" : "s")} ({change.Summary[(change.Summary.IndexOf('(') + 1)..^1]})";
                result = choices.Count switch
                {
                    0 => CommandResult.Refuse($"I read {names} from {name}, but you may not change the config of any app. Ask an admin to add you to an app's `ConfigEditors`."),
                    1 => CommandResult.Reply($"Set {names} from {name} on {choices[0].App} {choices[0].Env}? Nothing changes until you say so; I keep the file for {Format.Duration(EnvFileKept)}.",
                        Tone.Info, new ChatAction("Set them", $"config file {choices[0].App} in {choices[0].Env}", $"Set {set.Count} config vars of {choices[0].App} in {choices[0].Env}?"), new ChatAction("Cancel", "config file --discard")),
                    _ => CommandResult.Reply($"I read {names} from {name}. Which app and environment get them? (Or send the file again with the app's name as its caption.)",
                        Tone.Info, [.. choices.Take(8).Select(e => new ChatAction($"{e.App} {e.Env}", $"config file {e.App} in {e.Env}", $"Set {set.Count} config vars of {e.App} in {e.Env}?"))]),
                };
                if (notes.Count > 0) result = result with { Messages = [.. result.Messages, new ChatMessage(string.Join(' ', notes.Take(5)))] };
            }
        }
        await AuditAsync(new ChatRequest(origin, $"(sent the file {name})"), new ConfigCommand("", null), result, result.Ok ? AuditOutcome.Ok : AuditOutcome.Refused).ConfigureAwait(false);
        return result;
    }

    /// <summary>The app/envs the sender may change, narrowed by a caption such as <c>web</c> or <c>web staging</c>.</summary>
    private IEnumerable<AppEnvConfig> FileTargets(Origin origin, string? caption)
    {
        var words = Tokens.Split(caption ?? "").Where(w => !w.Equals("in", StringComparison.OrdinalIgnoreCase) && !w.Equals("config", StringComparison.OrdinalIgnoreCase)).ToList();
        var all = apps.All.OrderBy(a => a.Name, StringComparer.Ordinal)
            .SelectMany(a => a.Environments.Select(e => a.For(e)))
            .Where(env => targets.Get(env.Target) is IHasConfig && access.CheckConfigEditor(env, origin) is null).ToList();
        if (words.Count > 0 && apps.Find(words[0]) is { } named)
        {
            var envName = words.Count > 1 && named.HasEnv(words[1]) ? words[1] : null;
            var narrowed = all.Where(e => e.App == named.Name && (envName is null ? true : e.Env.Equals(envName, StringComparison.OrdinalIgnoreCase))).ToList();
            if (envName is null && narrowed.Count > 1) narrowed = narrowed.Where(e => e.Env == named.DefaultEnv).ToList();
            return narrowed;
        }
        return all;
    }

    /// <summary><c>config file web in production</c>: applies the <c>.env</c> file this person sent last, once; <c>--discard</c> drops it.</summary>
    private async Task<CommandResult> ConfigFileAsync(ConfigFileCommand c, Origin origin, CancellationToken ct)
    {
        var kept = await Store.GetNoteAsync(EnvFileScope, origin.QualifiedUser, ct).ConfigureAwait(false);
        // Claimed away first, so a double tap applies it once.
        if (kept is { Length: > 0 } && await Store.ClaimNoteAsync(EnvFileScope, origin.QualifiedUser, "", kept, time.GetUtcNow(), ct).ConfigureAwait(false) != "")
            kept = null;
        var space = kept?.IndexOf(' ') ?? -1;
        var change = space > 0 && long.TryParse(kept![..space], CultureInfo.InvariantCulture, out var until) && time.GetUtcNow().ToUnixTimeSeconds() <= until
            ? seal.Open(kept[(space + 1)..]) : null;
        if (c.Discard) return CommandResult.Reply(change is null ? "There was no .env file waiting." : "Dropped the .env file; nothing was set.");
        if (change is null)
            return CommandResult.Refuse($"I have no .env file of yours waiting (they are kept {Format.Duration(EnvFileKept)}, and used once). Send it to me again in a direct message.");
        var (env, refused) = FindEnv(c.AppName, c.Env, c);
        return env is null ? refused! : await ApplyConfigAsync(env, origin, change, [], ct).ConfigureAwait(false);
    }

    /// <summary>The app/env named by a form, a file's button or a command, or the refusal that says which there are.</summary>
    private (AppEnvConfig? Env, CommandResult? Refused) FindEnv(string appName, string? envName, Command command)
    {
        if (apps.Find(appName) is not { } app) return (null, UnknownApp(appName, command));
        var name = envName ?? app.DefaultEnv;
        return app.HasEnv(name) ? (app.For(name), null)
            : (null, CommandResult.Refuse($"{app.Name} has no environment `{Tokens.Clip(name)}`. Its environments: {Quote(app.Environments)}."));
    }

    /// <summary><c> in staging</c>, or nothing for the app's default environment: how hints name an environment.</summary>
    private string InEnv(AppEnvConfig env) => env.Env == apps.Find(env.App)!.DefaultEnv ? "" : $" in {env.Env}";
}
