using System.Diagnostics;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Security;
using Bot.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bot.Hosting;

/// <summary>
/// What the platforms an operator runs the bot on read: <c>/metrics</c> (Prometheus text, from the <c>Deploybot</c> meter),
/// OTLP traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the SDK reads the other <c>OTEL_*</c> variables itself), and
/// <c>LOG_FORMAT=json</c>. Without the endpoint no tracer is made: the spans' sources have no listener and cost nothing.
/// </summary>
public static class OperatorSignals
{
    public const string MetricsPath = "/metrics";
    public const string LogFormatKey = "LOG_FORMAT";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Traces by OTLP, when an endpoint is set; the service is <c>deploybot</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public static IServiceCollection AddTraces(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[OtlpEndpointKey] is not { Length: > 0 }) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "deploybot", serviceVersion: BotMetrics.Version))
            .WithTracing(t => t
                .AddSource(BotTraces.Name, HttpSource)
                .SetSampler(new OwnSpansAndTheirCalls())
                .AddOtlpExporter());
        return services;
    }

    /// <summary>The runtime's own meter (GC heap and pauses, working set, thread pool), the figures <c>dotnet-counters</c> shows.</summary>
    internal const string RuntimeMeter = "System.Runtime";

    /// <summary>The meter behind <c>/metrics</c> (only <c>serve</c> maps it; elsewhere nothing reads the meter).</summary>
    public static IServiceCollection AddMetricsEndpoint(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(BotMetrics.Name, RuntimeMeter)
            .AddPrometheusExporter(o =>
            {
                // The series and their labels as README lists them: no otel_scope_* labels, no target_info series.
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            }));
        return services;
    }

    /// <summary>
    /// Makes the tracer now (it is otherwise made when the host starts, which <c>send</c> never does), so a one-shot
    /// verb's spans are exported too; it is flushed when the host is disposed.
    /// </summary>
    public static void StartTraces(IServiceProvider services) => _ = services.GetService<TracerProvider>();

    /// <summary><c>GET /metrics</c> behind <see cref="MetricsAccess"/>; the gauges read the store (cached) before the exporter collects.</summary>
    public static void MapMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(GateAsync), optionsName: null);

    private static async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        var token = context.RequestServices.GetRequiredService<IConfiguration>()["METRICS_TOKEN"];
        switch (MetricsAccess.Check(token, headers.Authorization, context.Connection.RemoteIpAddress,
                    proxied: headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For")))
        {
            case MetricsAccess.Result.Allowed:
                await context.RequestServices.GetRequiredService<DeploymentSignals>().RefreshAsync(context.RequestAborted).ConfigureAwait(false);
                await next(context).ConfigureAwait(false);
                break;
            case MetricsAccess.Result.Unauthorized:
                context.Response.Headers.WWWAuthenticate = "Bearer";
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    /// <summary>
    /// <c>LOG_FORMAT</c>: unset or <c>text</c> as the role logs anyway; <c>json</c> one JSON object a line on stdout (the
    /// server roles). Anything else stops start-up with one line.
    /// </summary>
    public static bool JsonLogs(IConfiguration configuration) => configuration[LogFormatKey]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "text" => false,
        "json" => true,
        var other => throw new ConfigException(LogFormatKey, $"unknown format '{other}'; expected json or text"),
    };

    public static void UseJsonConsole(ILoggingBuilder logging) => logging.AddJsonConsole(o =>
    {
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
    });

    /// <summary>The runtime's own source for outgoing HTTP calls (no instrumentation package needed).</summary>
    private const string HttpSource = "System.Net.Http";

    /// <summary>
    /// Every span of the bot's own, and an outgoing HTTP call only under one of them: a platform call made for a command or
    /// a deployment is in its trace, while background polling (Socket Mode, user groups) makes no traces of its own.
    /// </summary>
    private sealed class OwnSpansAndTheirCalls : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters parameters)
        {
            var sampled = parameters.ParentContext.TraceId != default
                ? parameters.ParentContext.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
                : !parameters.Name.StartsWith(HttpSource, StringComparison.Ordinal);
            return new SamplingResult(sampled ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
        }
    }
}
