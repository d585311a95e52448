namespace Bot.Deployments.Postgres;

/// <summary>
/// What each table takes (<c>bot store stats</c>). Nothing to give back by hand: autovacuum marks the rows retention
/// removed as free, and new rows reuse that space, so the tables stop growing rather than shrink.
/// </summary>
public sealed partial class PostgresDeploymentStore
{
    private const string Tables = """
        SELECT tablename, pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)
        FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename
        """;

    public override async Task<StoreStats> StatsAsync(CancellationToken cancellationToken)
    {
        var sized = await Single.QueryAsync(Tables, (r, _) => (Name: r.GetString(0), Bytes: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var tables = new List<TableStats>();
        foreach (var (name, bytes) in sized)
        {
            var rows = await Single.ScalarAsync<long>($"SELECT COUNT(*) FROM \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken).ConfigureAwait(false);
            tables.Add(new TableStats(name, rows, bytes));
        }
        return new StoreStats("PostgreSQL", tables, null, null, null);
    }
}
