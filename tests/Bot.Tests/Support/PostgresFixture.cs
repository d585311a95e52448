using Bot.Deployments.Postgres;

namespace Bot.Tests.Support;

/// <summary>One PostgreSQL server for the whole test run (the tests of the <c>postgres</c> collection); each test takes a fresh database.</summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly Lazy<TempPostgres> _server = new(() =>
    {
        try { return TempPostgres.Start(); }
        catch (Exception e)
        {
            // Not a skip: the PostgreSQL store is part of the product, so a machine that cannot run it fails its tests.
            throw new InvalidOperationException($"Could not start a PostgreSQL server for the tests: {e.Message}", e);
        }
    });

    public TempPostgres Server => _server.Value;

    public Task<string> NewDatabaseUrlAsync() => Server.CreateDatabaseAsync();

    /// <summary>A migrated store on a fresh database.</summary>
    public async Task<PostgresDeploymentStore> NewStoreAsync()
    {
        var store = PostgresDeploymentStore.FromUrl(await NewDatabaseUrlAsync());
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
