using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Deployments.Sqlite;
using Bot.Hosting;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Bot.Tests.Deployments;

/// <summary><c>DATABASE_URL</c>: how it is read, how it picks the store, and that its password never shows.</summary>
public sealed class PostgresUrlTests
{
    private const string Password = "pa55:w@rd/secret";
    private static readonly string Encoded = Uri.EscapeDataString(Password);

    private static NpgsqlConnectionStringBuilder Parse(string url) => new(PostgresUrl.ToConnectionString(url));

    [Fact]
    public void Reads_the_heroku_form_with_an_encoded_password()
    {
        var b = Parse($"postgres://deploybot:{Encoded}@ec2-1-2-3-4.compute-1.amazonaws.com:5433/d8f0ab");
        Assert.Equal(("ec2-1-2-3-4.compute-1.amazonaws.com", 5433, "deploybot", Password, "d8f0ab"), (b.Host, b.Port, b.Username, b.Password, b.Database));
        Assert.Equal(SslMode.Prefer, b.SslMode);
    }

    [Fact]
    public void Reads_the_postgresql_scheme_a_default_port_and_query_parameters()
    {
        var b = Parse("postgresql://app@db.internal/deploys?sslmode=require&channel_binding=require&connect_timeout=7&application_name=bot-web");
        Assert.Equal(("db.internal", 5432, "app", null, "deploys"), (b.Host, b.Port, b.Username, b.Password, b.Database));
        Assert.Equal((SslMode.Require, ChannelBinding.Require, 7, "bot-web"), (b.SslMode, b.ChannelBinding, b.Timeout, b.ApplicationName));
        Assert.Equal(SslMode.VerifyFull, Parse("postgres://u:p@h/d?sslmode=verify-full").SslMode);
        Assert.Equal(SslMode.Disable, Parse("postgres://u:p@127.0.0.1:6000/d?sslmode=disable").SslMode);
    }

    [Theory]
    [InlineData("mysql://u:{0}@h/d", "expected postgres://")]
    [InlineData("postgres://u:{0}@h:5432/", "names no database")]
    [InlineData("postgres://u:{0}@h/d?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgres://u:{0}@h/d?pgbouncer=true", "'pgbouncer'")]
    public void A_wrong_url_names_the_key_and_what_is_wrong_but_not_the_password(string shape, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => PostgresUrl.ToConnectionString(string.Format(shape, Encoded)));
        Assert.Equal("DATABASE_URL", e.Key);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(Encoded, e.Message);
        Assert.DoesNotContain(Password, e.Message);
    }

    [Fact]
    public void Describing_the_database_leaves_out_user_and_password()
    {
        var where = PostgresUrl.Describe(PostgresUrl.ToConnectionString($"postgres://deploybot:{Encoded}@db:5433/bot"));
        Assert.Equal("db:5433/bot", where);
    }

    [Fact]
    public async Task An_unreachable_database_stops_startup_with_one_line_and_no_password()
    {
        var url = $"postgres://deploybot:{Encoded}@127.0.0.1:{Ports.Free()}/bot?connect_timeout=5";
        await using var store = PostgresDeploymentStore.FromUrl(url);
        Assert.False(await store.PingAsync(default));
        var e = await Assert.ThrowsAsync<ConfigException>(() => store.MigrateAsync(default));
        Assert.StartsWith("DATABASE_URL: could not open the PostgreSQL database at 127.0.0.1:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain(Password, e.ToString());
        Assert.DoesNotContain(Encoded, e.ToString());
    }

    [Fact]
    public void DATABASE_URL_selects_the_postgres_store_and_its_listener()
    {
        using var dir = new TempDir("pgsel");
        var services = Services(("DATA_DIR", dir.Path), ("DATABASE_URL", "postgres://bot:secret@127.0.0.1:5432/bot")).AddBotBackground(worker: true);
        using var provider = services.BuildServiceProvider();
        Assert.IsType<PostgresDeploymentStore>(provider.GetRequiredService<IDeploymentStore>());
        Assert.Contains(services, s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(PostgresJobListener));
    }

    [Fact]
    public void Without_DATABASE_URL_the_store_is_the_sqlite_file()
    {
        using var dir = new TempDir("pgsel");
        var services = Services(("DATA_DIR", dir.Path)).AddBotBackground(worker: true);
        using var provider = services.BuildServiceProvider();
        Assert.IsType<SqliteDeploymentStore>(provider.GetRequiredService<IDeploymentStore>());
        Assert.DoesNotContain(services, s => s.ImplementationType == typeof(PostgresJobListener));
    }

    [Fact]
    public void A_malformed_DATABASE_URL_stops_startup_naming_the_key()
    {
        var e = Assert.Throws<ConfigException>(() => Services(("DATABASE_URL", $"postgres://bot:{Encoded}@db")));
        Assert.Equal("DATABASE_URL", e.Key);
        Assert.DoesNotContain(Encoded, e.Message);
    }

    private static IServiceCollection Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        return new ServiceCollection().AddLogging().AddBotCore(configuration);
    }
}
