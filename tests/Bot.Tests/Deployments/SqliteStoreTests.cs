using Bot.Deployments;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;

namespace Bot.Tests.Deployments;

public sealed class SqliteStoreTests : DeploymentStoreContract, IDisposable
{
    private readonly TempDir _dir = new("store");

    protected override async Task<IDeploymentStore> CreateStoreAsync()
    {
        var store = new SqliteDeploymentStore(_dir[$"{Guid.NewGuid():N}.db"]);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    protected override async Task<(IDeploymentStore First, IDeploymentStore Second)> CreateReplicasAsync()
    {
        var path = _dir[$"{Guid.NewGuid():N}.db"];
        var first = new SqliteDeploymentStore(path);
        await first.MigrateAsync(CancellationToken.None);
        return (first, new SqliteDeploymentStore(path));
    }

    [Fact]
    public async Task The_file_passes_an_integrity_check_after_concurrent_work()
    {
        var store = (SqliteDeploymentStore)await CreateStoreAsync();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            store.EnqueueAsync(New(app: $"a{i}"), CancellationToken.None))));
        Assert.Equal("ok", await store.IntegrityCheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Data_survives_reopening_the_file()
    {
        var path = _dir["reopen.db"];
        var first = new SqliteDeploymentStore(path);
        await first.MigrateAsync(default);
        var d = Assert.IsType<Enqueued>(await first.EnqueueAsync(New(), default)).Deployment;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var second = new SqliteDeploymentStore(path);
        await second.MigrateAsync(default);
        Assert.Equal(d, await second.GetAsync(d.Id, default));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
