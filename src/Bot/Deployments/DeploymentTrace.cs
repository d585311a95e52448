using System.Diagnostics;
using System.Globalization;
using Bot.Telemetry;

namespace Bot.Deployments;

/// <summary>
/// A deployment's span and its steps' child spans, with OpenTelemetry's <c>cicd.*</c> and <c>deployment.*</c> attributes:
/// the pipeline is the app, a run is one deployment, a task is one step. Null everywhere when traces are off.
/// </summary>
internal static class DeploymentTrace
{
    /// <summary>The span a request for a deployment is made under (a chat command's), as W3C <c>traceparent</c>; null when none is recorded.</summary>
    public static string? Parent() => Activity.Current is { Recorded: true } current && current.Source == BotTraces.Source ? current.Id : null;

    /// <summary>Whether spans are made at all (a listener, that is an OTLP endpoint, is there).</summary>
    public static bool On => BotTraces.Source.HasListeners();

    /// <param name="parent">The command's span (<see cref="Parent"/>), so the deployment is in the trace of the command that asked for it.</param>
    public static Activity? Start(Deployment d, string? parent = null)
    {
        var span = parent is not null && ActivityContext.TryParse(parent, null, out var context)
            ? BotTraces.Source.StartActivity($"{StoreNames.Name(d.Kind)} {d.App}", ActivityKind.Internal, context)
            : BotTraces.Source.StartActivity($"{StoreNames.Name(d.Kind)} {d.App}");
        if (span is null) return null;
        var id = d.Id.ToString(CultureInfo.InvariantCulture);
        span.SetTag(BotTraces.PipelineName, d.App);
        span.SetTag(BotTraces.PipelineRunId, id);
        span.SetTag(BotTraces.DeploymentId, id);
        span.SetTag(BotTraces.DeploymentName, $"{d.App} #{d.Number.ToString(CultureInfo.InvariantCulture)}");
        span.SetTag(BotTraces.Environment, d.Env);
        return span;
    }

    /// <summary>A step of the deployment running now (the current span is its parent).</summary>
    public static Activity? Step(string step)
    {
        var span = BotTraces.Source.StartActivity(step);
        span?.SetTag(BotTraces.TaskName, step);
        return span;
    }

    public static void End(Activity? span, DeploymentState state)
    {
        if (span is null) return;
        span.SetTag(BotTraces.DeploymentStatus, state == DeploymentState.Succeeded ? "succeeded" : "failed");
        span.SetTag(BotTraces.PipelineResult, state switch
        {
            DeploymentState.Succeeded => "success",
            DeploymentState.Cancelled => "cancellation",
            DeploymentState.Interrupted => "error",
            _ => "failure",
        });
        if (state != DeploymentState.Succeeded) span.SetStatus(ActivityStatusCode.Error, StoreNames.Name(state));
    }
}
