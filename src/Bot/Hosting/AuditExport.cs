using System.Text;
using System.Text.Json;
using Bot.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Hosting;

/// <summary>
/// <c>bot audit [--since 7d] [--app web] [--json|--csv]</c>: the audit log on stdout, oldest first, as lines to read, a JSON
/// array or CSV with a header. It reads the store (PostgreSQL by <c>DATABASE_URL</c>, else the SQLite file), not the apps.
/// </summary>
public static class AuditExport
{
    /// <summary>More than a busy team sends in years; the export stops there rather than fill a terminal without end.</summary>
    public const int MaxRows = 1_000_000;

    public static async Task<int> RunAsync(BotCli cli)
    {
        var query = cli.Audit ?? new AuditQuery();
        using var host = BotHost.Build(cli, BotRole.Tool with { CheckApps = false });
        var store = host.Services.GetRequiredService<IDeploymentStore>();
        var time = host.Services.GetRequiredService<TimeProvider>();
        await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var entries = await store.AuditSinceAsync(query.Start(time.GetUtcNow()), query.App, MaxRows, CancellationToken.None).ConfigureAwait(false);
        var rows = entries.Select(AuditRow.Of).ToList();
        var output = Console.Out;
        switch (query.Format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(rows, AuditJson.Readable.ListAuditRow));
                break;
            case "csv":
                output.Write(Csv(rows));
                break;
            default:
                // One line per entry, so grep and wc -l count commands; --json and --csv keep the answer's line breaks.
                foreach (var r in rows)
                    output.WriteLine($"{r.At} {r.Person ?? r.UserName} ({r.Identity}) in {r.Conversation}: {OneLine(r.Command)} → {OneLine(r.Result)}");
                if (rows.Count == 0) Console.Error.WriteLine($"No audit entries since {query.Start(time.GetUtcNow()):yyyy-MM-dd HH:mm}Z{(query.App is null ? "" : $" for {query.App}")}.");
                break;
        }
        return 0;
    }

    private static string OneLine(string text) => string.Join(" ⏎ ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    public static readonly string[] CsvColumns = ["at", "person", "identity", "platform", "conversation", "user_name", "app", "env", "command", "outcome", "result"];

    public static string Csv(IEnumerable<AuditRow> rows)
    {
        var text = new StringBuilder(string.Join(',', CsvColumns)).Append("\r\n");
        foreach (var r in rows)
            text.AppendJoin(',', new[] { r.At, r.Person, r.Identity, r.Platform, r.Conversation, r.UserName, r.App, r.Env, r.Command, r.Outcome, r.Result }.Select(Field)).Append("\r\n");
        return text.ToString();
    }

    /// <summary>RFC 4180 quoting; text a spreadsheet would run as a formula (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>) is kept as text.</summary>
    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
