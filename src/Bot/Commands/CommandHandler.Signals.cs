using System.Diagnostics;
using Bot.Deployments;
using Bot.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bot.Commands;

/// <summary>What operators see of a command: its span and its log line. Only names the configuration knows: no free text.</summary>
public sealed partial class CommandHandler
{
    /// <summary><c>DeployCommand</c> → <c>deploy</c>; a line that did not parse is <c>unknown</c>.</summary>
    internal static string VerbOf(Command command) => command switch
    {
        ParseError => "unknown",
        _ => command.GetType().Name.Replace("Command", "", StringComparison.Ordinal).ToLowerInvariant(),
    };

    private Activity? StartSpan(Command command, Origin origin)
    {
        var span = BotTraces.Source.StartActivity($"command {VerbOf(command)}");
        if (span is null) return null;
        span.SetTag("deploybot.command.verb", VerbOf(command));
        span.SetTag("deploybot.chat.platform", origin.Platform);
        // A name someone typed is only an attribute once it is an app (and environment) of the configuration.
        if (command.App is { } name && apps.Find(name) is { } app)
        {
            span.SetTag(BotTraces.PipelineName, app.Name);
            if ((EnvOf(command, app) ?? app.DefaultEnv) is { } env && app.HasEnv(env)) span.SetTag(BotTraces.Environment, env);
        }
        return span;
    }

    private void Handled(Activity? span, Command command, Origin origin, string outcome)
    {
        span?.SetTag("deploybot.command.outcome", outcome);
        if (outcome == AuditOutcome.Failed) span?.SetStatus(ActivityStatusCode.Error);
        logger.CommandHandled(VerbOf(command), origin.Platform, outcome);
    }
}
