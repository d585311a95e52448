using Microsoft.Extensions.Logging;

namespace Bot.Telemetry;

/// <summary>
/// The main events of the bot's log, each with its own event id (source-generated, so a line costs nothing when its level
/// is off): what a log platform filters on. Deployments 1xxx, commands 2xxx, webhooks 3xxx, jobs 4xxx.
/// </summary>
public static partial class BotLog
{
    [LoggerMessage(1001, LogLevel.Information, "{App} #{Number} ({Env}) queued: {Verb} of {Ref}")]
    public static partial void DeploymentQueued(this ILogger logger, string app, int number, string env, string verb, string @ref);

    [LoggerMessage(1002, LogLevel.Information, "{App} #{Number} ({Env}) started: {Verb} of {Ref}")]
    public static partial void DeploymentStarted(this ILogger logger, string app, int number, string env, string verb, string @ref);

    [LoggerMessage(1003, LogLevel.Information, "{App} #{Number} ({Env}) succeeded in {Seconds:0.0} s")]
    public static partial void DeploymentSucceeded(this ILogger logger, string app, int number, string env, double seconds);

    [LoggerMessage(1004, LogLevel.Warning, "{App} #{Number} ({Env}) {State}")]
    public static partial void DeploymentFailed(this ILogger logger, string app, int number, string env, string state);

    [LoggerMessage(1005, LogLevel.Information, "{App} #{Number} ({Env}) ended {State}")]
    public static partial void DeploymentEnded(this ILogger logger, string app, int number, string env, string state);

    [LoggerMessage(1006, LogLevel.Warning, "{App} #{Number} ({Env}) did not finish going live: putting {Release} back")]
    public static partial void PuttingBack(this ILogger logger, string app, int number, string env, string release);

    [LoggerMessage(1007, LogLevel.Warning, "{App} #{Number} was running in a process that stopped; marked interrupted")]
    public static partial void MarkedInterrupted(this ILogger logger, string app, int number);

    [LoggerMessage(1008, LogLevel.Information, "{App} #{Number} was not approved in time; it expired")]
    public static partial void ApprovalExpired(this ILogger logger, string app, int number);

    // Debug: a line per request would cost more than a read-only request itself (thousands a second); the span and the audit have it.
    [LoggerMessage(2001, LogLevel.Debug, "Command {Verb} from {Platform} handled: {Outcome}")]
    public static partial void CommandHandled(this ILogger logger, string verb, string platform, string outcome);

    [LoggerMessage(2002, LogLevel.Error, "Command {Command} failed")]
    public static partial void CommandFailed(this ILogger logger, Exception exception, string command);

    [LoggerMessage(3001, LogLevel.Warning, "Refused {Method} {Path}: {Reason}")]
    public static partial void WebhookRefused(this ILogger logger, string method, string path, string reason);

    [LoggerMessage(4001, LogLevel.Information, "Claimed job {Job} ({Kind}) of deployment {Deployment}")]
    public static partial void JobClaimed(this ILogger logger, long job, string kind, long? deployment);
}
