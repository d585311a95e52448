using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Deployments.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Hosting;

/// <summary>
/// <c>bot store prune [--json]</c>: one retention run now, the same as the worker's hourly one (short steps, the same
/// pauses, the same lease, so it may run beside a serving bot), then prints what it removed and the space given back.
/// Exit code 1 when another process holds the turn.
/// </summary>
public static class StorePruneCommand
{
    /// <summary>SQLite's page (the store never changes it).</summary>
    private const long PageBytes = 4096;

    public static async Task<int> RunAsync(BotCli cli)
    {
        using var host = BotHost.Build(cli, BotRole.Tool with { CheckApps = false });
        var options = host.Services.GetRequiredService<BotOptions>();
        var retention = host.Services.GetRequiredService<RetentionOptions>();
        var store = host.Services.GetRequiredService<IDeploymentStore>();
        await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var where = store is PostgresDeploymentStore postgres ? postgres.Where : options.DatabasePath;
        if (!retention.Enabled)
        {
            Console.Out.WriteLine($"Nothing to remove: Retention:Output is off and Retention:Audit is unset ({where}).");
            return 0;
        }
        var started = Stopwatch.GetTimestamp();
        var run = await host.Services.GetRequiredService<RetentionWorker>().RunOnceAsync(CancellationToken.None).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (run is null)
        {
            Console.Error.WriteLine($"Another process is pruning {where} now (it holds the retention lease); try again when it is done.");
            return 1;
        }
        var result = new PruneReport(store is PostgresDeploymentStore ? "PostgreSQL" : "SQLite", where, retention.OutputSetting,
            run.Lines, run.Deployments, run.AuditEntries, run.Pages * PageBytes, Math.Round(seconds, 1));
        Console.Out.WriteLine(cli.Json ? JsonSerializer.Serialize(result, StorePruneJson.Default.PruneReport) : Text(result));
        return 0;
    }

    /// <summary>One line: what went, how long it took, and the space the file gave back (PostgreSQL reuses it instead).</summary>
    public static string Text(PruneReport r)
    {
        var space = r.Kind == "SQLite"
            ? $"the file gave back {StoreStatsCommand.Size(r.BytesGivenBack)}"
            : "PostgreSQL reuses the space for new rows";
        return string.Create(CultureInfo.InvariantCulture,
            $"Removed {r.Lines} output lines of {r.Deployments} deployments (Retention:Output = {r.Output}) and {r.AuditEntries} audit entries in {r.Seconds:0.0} s; {space}.");
    }
}

/// <summary>What <c>bot store prune</c> did (its <c>--json</c> answer).</summary>
public sealed record PruneReport(string Kind, string Where, string Output, long Lines, long Deployments, long AuditEntries, long BytesGivenBack, double Seconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PruneReport))]
internal sealed partial class StorePruneJson : JsonSerializerContext;
