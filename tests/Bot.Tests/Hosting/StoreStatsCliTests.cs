using System.Text.Json;
using Bot.Hosting;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary><c>bot store stats</c> as a real process on both stores, and the <c>Retention</c> keys that stop startup.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreStatsCliTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDir _dir = new("store-stats");

    private Dictionary<string, string?> Env(params (string Key, string Value)[] settings)
    {
        var repo = new GitRepo(_dir["repo"]);
        if (!File.Exists(Path.Combine(repo.Path, "deploy.sh"))) repo.Commit("App", ("deploy.sh", "echo deployed\n"));
        var env = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _dir["data"], ["USER"] = "tester",
            ["Apps__web__Target"] = "shell", ["Apps__web__Repository"] = repo.Path, ["Apps__web__Shell__Deploy"] = "sh deploy.sh",
        };
        foreach (var (k, v) in settings) env[k.Replace(":", "__")] = v;
        return env;
    }

    [Fact]
    public async Task Prints_rows_and_sizes_per_table_of_the_sqlite_file_aligned_and_as_json()
    {
        var sent = await BotProcess.RunAsync(Env(), _dir.Path, "send", "deploy web");
        Assert.True(sent.Code == 0, sent.Stdout + sent.Stderr);

        var text = await BotProcess.RunAsync(Env(), _dir.Path, "store", "stats");
        Assert.True(text.Code == 0, text.Stderr);
        var lines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"SQLite store at {Path.Combine(_dir["data"], "bot.db")}", lines[0]);
        Assert.Matches(@"^table\s+rows\s+size$", lines[1]);
        Assert.Matches(@"^deployments\s+1\s+-$", lines.Single(l => l.StartsWith("deployments ", StringComparison.Ordinal)));
        Assert.Matches(@"^audit\s+1\s+-$", lines.Single(l => l.StartsWith("audit ", StringComparison.Ordinal)));
        // Columns line up: every row of the table is as long as the header.
        var table = lines.Skip(1).TakeWhile(l => !l.StartsWith("file ", StringComparison.Ordinal)).ToList();
        Assert.All(table, l => Assert.Equal(lines[1].Length, l.Length));
        Assert.Matches(@"^file \d+\.\d [kMG]B, of which free \d+(\.\d)? k?B ", lines.Single(l => l.StartsWith("file ", StringComparison.Ordinal)));
        Assert.Contains("sizes per table are not available", text.Stdout);

        var json = await BotProcess.RunAsync(Env(), _dir.Path, "store", "stats", "--json");
        Assert.True(json.Code == 0, json.Stderr);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("SQLite", root.GetProperty("kind").GetString());
        Assert.True(root.GetProperty("file_bytes").GetInt64() > 0);
        var events = root.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "deployment_events");
        Assert.True(events.GetProperty("rows").GetInt64() >= 3);
    }

    [Fact]
    public async Task Prints_rows_and_sizes_per_table_of_a_postgres_store()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["DATABASE_URL"] = url };

        var result = await BotProcess.RunAsync(env, _dir.Path, "store", "stats");

        Assert.True(result.Code == 0, result.Stdout + result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^PostgreSQL store at 127\.0\.0\.1:\d+/\S+$", lines[0]);
        Assert.Matches(@"^deployment_events\s+0\s+\d+\.\d kB$", lines.Single(l => l.StartsWith("deployment_events ", StringComparison.Ordinal)));
        Assert.Matches(@"^schema_version\s+\d+\s+\d+\.\d kB$", lines.Single(l => l.StartsWith("schema_version ", StringComparison.Ordinal)));
        Assert.Matches(@"^total\s+\d+\s+\d+\.\d [kM]B$", lines.Last());
    }

    [Theory]
    [InlineData("Retention:Ouput", "30d", "Configuration error: Retention:Ouput: unknown key; did you mean Output?")]
    [InlineData("Retention:Output", "soon", "Configuration error: Retention:Output: 'soon' is not a duration; write it as an age such as 90d or 12h, or off to keep all output")]
    [InlineData("Retention:Audit", "forever", "Configuration error: Retention:Audit: 'forever' is not a duration; write it as an age such as 90d or 12h, or off to keep the whole audit log")]
    public async Task An_unknown_or_malformed_retention_key_stops_startup_with_one_line(string key, string value, string expected)
    {
        var (code, stdout, stderr) = await BotProcess.RunAsync(Env((key, value)), _dir.Path, "send", "status");
        Assert.Equal((2, ""), (code, stdout));
        Assert.Equal(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(12_400_000, "12.4 MB")]
    [InlineData(1_000_000_000, "1.0 GB")]
    [InlineData(4096, "4.1 kB")]
    public void Sizes_read_as_people_write_them(long bytes, string expected) => Assert.Equal(expected, StoreStatsCommand.Size(bytes));

    public void Dispose() => _dir.Dispose();
}
