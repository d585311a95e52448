using Bot.Deployments.Postgres;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary><c>bot migrate</c> with <c>DATABASE_URL</c>: Heroku's release phase against a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MigratePostgresTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDir _dir = new("migrate-pg");

    [Fact]
    public async Task Migrate_applies_the_postgres_schema_names_where_without_the_password_and_can_run_again()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["DATABASE_URL"] = url };

        var first = await BotProcess.RunAsync(env, _dir.Path, "migrate");
        var again = await BotProcess.RunAsync(env, _dir.Path, "migrate");

        Assert.True(first.Code == 0, first.Stdout + first.Stderr);
        var line = Assert.Single(first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^Migrated the PostgreSQL store at 127\.0\.0\.1:\d+/\S+ to schema version \d+\.$", line);
        Assert.Equal(0, again.Code);
        Assert.Equal(first.Stdout, again.Stdout);
        var password = new Uri(url).UserInfo.Split(':').ElementAtOrDefault(1);
        if (password is { Length: > 0 }) Assert.DoesNotContain(password, first.Stdout + first.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir["data"], "bot.db")));
        using var store = PostgresDeploymentStore.FromUrl(url);
        Assert.True(await store.PingAsync(default));
    }

    public void Dispose() => _dir.Dispose();
}
