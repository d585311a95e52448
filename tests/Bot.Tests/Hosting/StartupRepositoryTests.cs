using Bot.Configuration;
using Bot.Deployments.Sqlite;
using Bot.Hosting;
using Bot.Sources;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Hosting;

public sealed class StartupRepositoryTests : IDisposable
{
    private readonly TempDir _dir = new("startup-repo");

    private Dictionary<string, string?> Env(params (string Key, string Value)[] settings)
    {
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };
        foreach (var (k, v) in settings) env[k.Replace(":", "__")] = v;
        return env;
    }

    [Fact]
    public async Task A_local_repository_that_does_not_exist_stops_startup_with_one_line()
    {
        var missing = _dir["no-such-repo"];
        var (code, stdout, stderr) = await BotProcess.RunAsync(
            Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", missing), ("Apps:web:Shell:Deploy", "true")), _dir.Path, "send", "status");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"Configuration error: Apps:web:Repository: the folder {missing} does not exist", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task An_unknown_key_given_as_an_environment_variable_stops_the_real_bot()
    {
        var (code, _, stderr) = await BotProcess.RunAsync(
            Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", _dir.Path), ("Apps:web:Shell:Deploy", "true"), ("Apps:web:Channel", "slack:C1")), _dir.Path, "send", "status");
        Assert.Equal(2, code);
        Assert.Equal("Configuration error: Apps:web:Channel: unknown key; did you mean Channels?", stderr.Trim());
    }

    [Fact]
    public async Task An_unknown_key_in_a_json_config_stops_the_real_bot()
    {
        File.WriteAllText(_dir["bot.json"], """{ "Apps": { "web": { "Target": "shell", "Repository": ".", "Shell": { "Deploy": "true", "Helth": "true" } } } }""");
        var (code, _, stderr) = await BotProcess.RunAsync(Env(), _dir.Path, "send", "status", "--config", "bot.json");
        Assert.Equal(2, code);
        Assert.Equal("Configuration error: Apps:web:Shell:Helth: unknown key; did you mean Health?", stderr.Trim());
    }

    [Fact]
    public async Task A_remote_repository_that_does_not_answer_is_one_warning_and_startup_goes_on()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "shell", ["Apps:web:Repository"] = $"http://127.0.0.1:{Ports.Free()}/web.git", ["Apps:web:Shell:Deploy"] = "true",
        }).Build();
        var options = new BotOptions(_dir["data"], new Dictionary<string, IReadOnlyList<string>>(), []);
        Directory.CreateDirectory(options.DataDir);
        using var store = new SqliteDeploymentStore(options.DatabasePath);
        var logger = new ListLogger<BotStartup>();
        var startup = new BotStartup(AppCatalog.Load(configuration, ["shell"]), store,
            new GitRepositories(options, TimeProvider.System, NullLogger<GitRepositories>.Instance), logger);

        await startup.StartAsync(default);
        await startup.RemoteChecks.WaitAsync(TimeSpan.FromSeconds(60));

        var (level, text) = Assert.Single(logger.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Warning, level);
        Assert.StartsWith("Apps:web:Repository cannot be reached now (unable to access 'http://127.0.0.1:", text);
        Assert.DoesNotContain('\n', text);
    }

    public void Dispose() => _dir.Dispose();
}
