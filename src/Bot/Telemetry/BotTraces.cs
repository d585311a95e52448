using System.Diagnostics;

namespace Bot.Telemetry;

/// <summary>
/// The bot's spans, <c>Deploybot</c>: one per chat command and one per deployment run with its steps as children. Attribute
/// names are OpenTelemetry's semantic conventions (<c>cicd.*</c>, <c>deployment.*</c>). Without a listener (no
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and nothing is made.
/// </summary>
public static class BotTraces
{
    public const string Name = "Deploybot";

    public static readonly ActivitySource Source = new(Name);

    public const string PipelineName = "cicd.pipeline.name";
    public const string PipelineRunId = "cicd.pipeline.run.id";
    public const string TaskName = "cicd.pipeline.task.name";
    public const string Environment = "deployment.environment.name";
    public const string DeploymentId = "deployment.id";
    public const string DeploymentName = "deployment.name";
    public const string DeploymentStatus = "deployment.status";
    public const string PipelineResult = "cicd.pipeline.result";
}
