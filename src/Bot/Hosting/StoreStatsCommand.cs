using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Hosting;

/// <summary>
/// <c>bot store stats [--json]</c>: what the store holds, so an operator sees what grows: exact rows and sizes per table
/// (indexes included), and on SQLite the file's size and its free pages. It reads the store, not the apps.
/// </summary>
public static class StoreStatsCommand
{
    public static async Task<int> RunAsync(BotCli cli)
    {
        using var host = BotHost.Build(cli, BotRole.Tool with { CheckApps = false });
        var options = host.Services.GetRequiredService<BotOptions>();
        var store = host.Services.GetRequiredService<IDeploymentStore>();
        await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var stats = await store.StatsAsync(CancellationToken.None).ConfigureAwait(false);
        if (cli.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(stats, StoreStatsJson.Default.StoreStats));
        else
            Console.Out.Write(Text(stats, store is PostgresDeploymentStore postgres ? postgres.Where : options.DatabasePath));
        return 0;
    }

    /// <summary>Aligned columns: table, rows, size; then the totals, and the file on SQLite.</summary>
    public static string Text(StoreStats stats, string where)
    {
        var rows = stats.Tables.Select(t => (t.Name, Rows: t.Rows.ToString(CultureInfo.InvariantCulture), Size: t.Bytes is { } b ? Size(b) : "-")).ToList();
        var totalBytes = stats.Tables.All(t => t.Bytes is not null) ? Size(stats.Tables.Sum(t => t.Bytes!.Value)) : "-";
        rows.Add(("total", stats.Tables.Sum(t => t.Rows).ToString(CultureInfo.InvariantCulture), totalBytes));
        var (w1, w2, w3) = (Math.Max(5, rows.Max(r => r.Name.Length)), Math.Max(4, rows.Max(r => r.Rows.Length)), Math.Max(4, rows.Max(r => r.Size.Length)));
        var sb = new StringBuilder().Append(stats.Kind).Append(" store at ").Append(where).Append('\n');
        sb.Append("table".PadRight(w1)).Append("  ").Append("rows".PadLeft(w2)).Append("  ").Append("size".PadLeft(w3)).Append('\n');
        foreach (var (name, count, size) in rows)
            sb.Append(name.PadRight(w1)).Append("  ").Append(count.PadLeft(w2)).Append("  ").Append(size.PadLeft(w3)).Append('\n');
        if (stats.FileBytes is { } file)
            sb.Append("file ").Append(Size(file)).Append(", of which free ").Append(Size(stats.FreeBytes ?? 0)).Append(" (given back to the file system after each retention run)\n");
        if (stats.Note is { } note) sb.Append(note).Append('\n');
        return sb.ToString();
    }

    /// <summary><c>812 B</c>, <c>4.1 kB</c>, <c>12.4 MB</c>, <c>1.2 GB</c> (powers of 1000).</summary>
    public static string Size(long bytes)
    {
        if (bytes < 1000) return $"{bytes.ToString(CultureInfo.InvariantCulture)} B";
        string[] units = ["kB", "MB", "GB", "TB"];
        var value = bytes / 1000.0;
        var unit = 0;
        while (value >= 999.95 && unit < units.Length - 1) { value /= 1000; unit++; }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(StoreStats))]
internal sealed partial class StoreStatsJson : JsonSerializerContext;
