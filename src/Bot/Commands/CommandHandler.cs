using Bot.Text;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Security;
using Bot.Sources;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bot.Commands;

/// <summary>
/// Turns a chat line into an answer: parse, find the app and environment, check who may do it from
/// where, then answer at once or queue the work. Every command and its outcome goes to the audit log.
/// Nothing slow happens here except resolving a ref, which reads the app's cached clone.
/// </summary>
public sealed partial class CommandHandler(
    AppCatalog apps,
    DeploymentService deployments,
    GitRepositories git,
    TargetRegistry targets,
    Access access,
    AlertRouter alerts,
    Redactor redactor,
    ConfigSeal seal,
    TimeProvider time,
    ILogger<CommandHandler> logger,
    LogLinks links,
    Deployments.Stats.DeploymentStats stats)
{
    /// <summary>How stale the cached clone may be when a deploy is asked for; the job fetches again anyway.</summary>
    public static readonly TimeSpan IntakeFreshness = TimeSpan.FromSeconds(10);

    private IDeploymentStore Store => deployments.Store;

    public async Task<CommandResult> HandleAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var command = CommandParser.Parse(request.Text);
        var (result, outcome) = await RunAsync(command, request.Origin, cancellationToken).ConfigureAwait(false);
        await AuditAsync(request, command, result, outcome).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs a parsed command; failures a person can cause, and ours, are answers. The outcome is the audit's word for how it ended.</summary>
    private async Task<(CommandResult Result, string Outcome)> RunAsync(Command command, Origin origin, CancellationToken cancellationToken)
    {
        using var span = StartSpan(command, origin);
        var (result, outcome) = await TryRunAsync(command, origin, cancellationToken).ConfigureAwait(false);
        Handled(span, command, origin, outcome);
        return (result, outcome);
    }

    private async Task<(CommandResult Result, string Outcome)> TryRunAsync(Command command, Origin origin, CancellationToken cancellationToken)
    {
        CommandResult result;
        var outcome = AuditOutcome.Refused;
        try
        {
            await access.PrepareAsync(cancellationToken).ConfigureAwait(false);
            if (access.CheckRate(origin) is { } tooMany)
                (result, outcome) = (CommandResult.Refuse(tooMany), AuditOutcome.Limited);
            else
                result = await DispatchAsync(command, origin, cancellationToken).ConfigureAwait(false);
        }
        catch (SourceException e)
        {
            result = CommandResult.Refuse($"{e.Message} {e.Hint}");
        }
        catch (DeployFailedException e)
        {
            result = CommandResult.Refuse(e.Hint is null ? e.Message : $"{e.Message} {e.Hint}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.CommandFailed(e, command.GetType().Name);
            result = CommandResult.Refuse("Something went wrong on my side while doing that (it is in the bot's log). Try again, or type `status` to see where things stand.");
            outcome = AuditOutcome.Failed;
        }
        return (result, result.Ok ? AuditOutcome.Ok : outcome);
    }

    private Task<CommandResult> DispatchAsync(Command command, Origin origin, CancellationToken ct) => command switch
    {
        ParseError e => Task.FromResult(ParseFailed(e)),
        AppsCommand => Task.FromResult(ListApps()),
        HelpCommand h => Task.FromResult(Help(h.Verb, origin)),
        FreezeCommand f => FreezeAsync(f, origin, ct),
        UnfreezeCommand => UnfreezeAsync(origin, ct),
        AuditCommand a when a.App is null => AuditLogAsync(null, a.Count, origin, ct),
        StatusCommand { App: null } => StatusAllAsync(origin, ct),
        StatsCommand { App: null } s => StatsAllAsync(s, origin, ct),
        CancelCommand { App: null } c => CancelAsync(null, c.Number, origin, ct),
        AlertsCommand { App: null } => AlertListAsync(null, ct, origin),
        ApproveCommand a => ApprovalAsync(a, origin, ct),
        ConfigFileCommand f when !Access.IsDirect(origin) => Task.FromResult(CommandResult.Refuse("A .env file is only read and applied in a direct message to me.")),
        ConfigFileCommand f => ConfigFileAsync(f, origin, ct),
        _ when command.App is { } name => WithAppAsync(command, name, origin, ct),
        _ => Task.FromResult(Help(null, origin)),
    };

    private async Task<CommandResult> WithAppAsync(Command command, string name, Origin origin, CancellationToken ct)
    {
        var app = apps.Find(name);
        if (app is null) return UnknownApp(name, command);
        var envName = EnvOf(command, app) ?? app.DefaultEnv;
        if (!app.HasEnv(envName))
        {
            var closest = Suggest.Best(envName, app.Environments);
            return CommandResult.Refuse($"{app.Name} has no environment `{Tokens.Clip(envName)}`. " +
                (closest is null ? "" : $"Did you mean `{closest}`? ") + $"Its environments: {Quote(app.Environments)}.");
        }
        var env = app.For(envName);
        // Config is read and set in a direct message too, wherever the app's channels are: that is where values are typed.
        var direct = command is ConfigCommand or ConfigSetCommand && Access.IsDirect(origin);
        if (!direct && access.CheckChannel(env, origin) is { } wrongPlace) return CommandResult.Refuse(wrongPlace);
        if (HelpMenu.Looks(command) is { } look && access.CheckViewer(env, origin, look) is { } notViewer) return CommandResult.Refuse(notViewer);
        return command switch
        {
            DeployCommand c => await DeployAsync(c, env, origin, ct).ConfigureAwait(false),
            RollbackCommand c => await RollbackAsync(c, env, origin, ct).ConfigureAwait(false),
            CancelCommand c => await CancelAsync(app, c.Number, origin, ct).ConfigureAwait(false),
            StatusCommand => await StatusAsync(app, EnvOf(command, app), ct).ConfigureAwait(false),
            HistoryCommand c => await HistoryAsync(env, c.Count, ct).ConfigureAwait(false),
            LogsCommand c => await LogsAsync(env, c, ct).ConfigureAwait(false),
            LockCommand c => await LockAsync(env, c, origin, ct).ConfigureAwait(false),
            UnlockCommand => await UnlockAsync(env, origin, ct).ConfigureAwait(false),
            ScaleCommand or RestartCommand or MaintenanceCommand or PromoteCanaryCommand => await TargetVerbAsync(command, env, origin, ct).ConfigureAwait(false),
            AuditCommand c => await AuditLogAsync(app.Name, c.Count, origin, ct).ConfigureAwait(false),
            PromoteCommand c => await PromoteAsync(c, app, env, origin, ct).ConfigureAwait(false),
            AlertsCommand => await AlertListAsync(app.Name, ct).ConfigureAwait(false),
            MuteCommand c => await MuteAsync(app.Default, c, origin, ct).ConfigureAwait(false),
            ConfigCommand => await ConfigListAsync(env, origin, ct).ConfigureAwait(false),
            ConfigSetCommand c => await ConfigSetAsync(c, env, origin, ct).ConfigureAwait(false),
            RunCommand c => await RunTaskAsync(c, env, origin, ct).ConfigureAwait(false),
            StatsCommand c => await StatsAsync(c, app, env, ct).ConfigureAwait(false),
            _ => Help(null, origin),
        };
    }

    /// <summary>The environment a command names; for <c>lock</c>, its first word if that is one of the app's environments.</summary>
    private static string? EnvOf(Command command, AppConfig app) => command switch
    {
        DeployCommand c => c.Env,
        RollbackCommand c => c.Env,
        StatusCommand c => c.Env,
        HistoryCommand c => c.Env,
        LogsCommand c => c.Env,
        LockCommand c when c.FirstWord is { } w && app.HasEnv(w) => w,
        UnlockCommand c => c.Env,
        ScaleCommand c => c.Env,
        RestartCommand c => c.Env,
        MaintenanceCommand c => c.Env,
        PromoteCanaryCommand c => c.Env,
        PromoteCommand c => c.ToEnv,
        ConfigCommand c => c.Env,
        ConfigSetCommand c => c.Env,
        RunCommand c => c.Env,
        StatsCommand c => c.Env,
        _ => null,
    };

    private CommandResult ParseFailed(ParseError e)
    {
        if (e.Kind == ParseErrorKind.MissingApp && apps.All.Count > 0)
            return CommandResult.Refuse($"{e.Message} Apps: {Quote(apps.Names)}.");
        return CommandResult.Refuse(e.Message, e.Kind == ParseErrorKind.UnknownVerb ? [new ChatAction("Help", "help")] : []);
    }

    private CommandResult UnknownApp(string name, Command command)
    {
        var closest = Suggest.Best(name, apps.Names);
        if (apps.All.Count == 0)
            return CommandResult.Refuse("No apps are configured yet. Add one under `Apps` in the config (see README).");
        var text = $"I don't know the app `{Tokens.Clip(name)}`. " + (closest is null ? "" : $"Did you mean `{closest}`? ") + $"Apps: {Quote(apps.Names)}.";
        var retry = closest is null ? null : CommandText.Render(command, closest);
        return CommandResult.Refuse(text, retry is null ? [] : [new ChatAction(retry, retry)]);
    }

    /// <summary>Writes the audit entry; with a delivery, as its de-duplication record too: false when that delivery was seen before.</summary>
    private async Task<bool> AuditAsync(ChatRequest request, Command command, CommandResult result, string outcome, (string Source, string Id)? delivery = null)
    {
        var first = result.Messages.Count > 0 ? result.Messages[0].Text : "";
        var summary = (result.Ok ? "ok: " : "refused: ") + (first.Length > 200 ? first[..200] + "…" : first);
        var o = request.Origin;
        var app = command.App is { } name ? apps.Find(name) : null;
        try
        {
            var entry = new AuditEntry(time.GetUtcNow(), o.Platform, o.Conversation, o.UserId, o.UserName,
                redactor.RedactCommand(TextNormalizer.Normalize(request.Text)), app?.Name ?? command.App, redactor.RedactCommand(summary))
            {
                Person = access.People.PersonOf(o), Outcome = outcome, Env = app is null ? null : EnvOf(command, app) ?? app.DefaultEnv,
            };
            if (delivery is { } d) return await Store.TryAuditDeliveryAsync(d.Source, d.Id, entry, CancellationToken.None).ConfigureAwait(false);
            await Store.AuditAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not write the audit entry for {User}", o.QualifiedUser);
        }
        return true;
    }

    internal static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));
}
