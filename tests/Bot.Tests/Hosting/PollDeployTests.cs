using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Bot.Tests.Deployments;
using Bot.Tests.Support;
using Xunit.Abstractions;

namespace Bot.Tests.Hosting;

/// <summary>
/// Done when: with the example app configured with <c>AutoDeploy</c> on a local branch and <c>Poll</c>, committing to that
/// branch deploys it in the console's conversation without anyone typing. The real binary's <c>chat</c>, on a copy of the
/// example (the shipped <c>examples/bot.json</c> stays as README describes it: nothing deploys unless asked), at the
/// width of a phone.
/// </summary>
public sealed class PollDeployTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const int Columns = 40;
    private readonly TempDir _dir = new("polldeploy");
    private readonly int _port = Ports.Free();
    private readonly Dictionary<string, string?> _env;
    private readonly ITestOutputHelper _output;

    public PollDeployTests(ITestOutputHelper output)
    {
        _output = output;
        ExampleCopy.Write(_dir, _port, app => app["AutoDeploy"] = new JsonObject { ["Branch"] = "main", ["Poll"] = "5s" });
        _env = new() { ["BOT_CONFIG"] = _dir["bot.json"], ["DATA_DIR"] = _dir["data"], ["USER"] = "tester", ["COLUMNS"] = $"{Columns}" };
    }

    private string ChatLog => File.Exists(_dir["data/chat.log"]) ? File.ReadAllText(_dir["data/chat.log"]) : "";

    private async Task<string?> MessageAsync()
    {
        using var http = new HttpClient();
        return (string?)(await http.GetFromJsonAsync<JsonObject>($"http://127.0.0.1:{_port}/"))!["message"];
    }

    private bool Answers()
    {
        using var client = new TcpClient();
        try { client.Connect("127.0.0.1", _port); return true; }
        catch (SocketException) { return false; }
    }

    [Fact]
    public async Task Commits_to_the_polled_branch_deploy_in_the_console_without_anyone_typing()
    {
        var clock = Stopwatch.StartNew();
        using var chat = BotProcess.StartInteractive(_env, _dir.Path, "chat");
        await chat.WaitForOutputAsync("Ctrl-C twice to", Patience);
        Assert.Contains("A new commit of main deploys example (production) by itself; the bot looks every 5s.", Flat.Text(chat.Stdout));
        // The first look only notes where main is (the bot made the repository at start, as a first run does).
        await ProcessRig.UntilAsync(() => Task.FromResult(ChatLog.Contains("main is at") ? "" : null), Patience, "the first look at main");
        Assert.DoesNotContain("example #", chat.Stdout);

        var repo = GitRepo.Open(_dir["example-app"]);
        var first = repo.Commit("Greet from a push", ("message.txt", "Hello from a push"));
        await chat.WaitForOutputAsync("✅ example #1 → production: live", Patience);
        _output.WriteLine($"first pushed deploy live after {clock.Elapsed.TotalSeconds:0.0}s");
        var seen = Flat.Text(chat.Stdout);
        Assert.Contains("🚦 example #1 → production: waiting", seen);
        Assert.Contains($"main@{first[..7]} · Test (push)", seen);
        Assert.Contains($"main moved to {first[..7]}, seen by polling the repository; its newest commit is by Test.", seen);
        Assert.Contains($"main@{first[..7]} \"Greet from a push\" · Test (push)", seen);
        Assert.Contains("▸ health done", seen);
        Assert.Equal("Hello from a push", await MessageAsync());

        var second = repo.Commit("Greet again", ("message.txt", "Hello again"));
        await chat.WaitForOutputAsync("✅ example #2 → production: live", Patience);
        _output.WriteLine($"second pushed deploy live after {clock.Elapsed.TotalSeconds:0.0}s");
        Assert.Contains($"main moved to {second[..7]}, seen by polling", Flat.Text(chat.Stdout));
        Assert.Equal("Hello again", await MessageAsync());

        // The first thing anyone types here: both pushed deploys are in the history, newest first.
        chat.Type("history example");
        var history = await ProcessRig.UntilAsync(() => Task.FromResult(
            chat.Stdout.LastIndexOf("example production: the last 2", StringComparison.Ordinal) is var at and >= 0
            && Flat.Text(chat.Stdout[at..].Replace("│", "")) is var h && h.Contains("#1 ✅") ? h : null), Patience, "the history");
        Assert.Matches($"#2 ✅ main@{second[..7]} \"Greet again\" · Test · .* ← live #1 ✅ main@{first[..7]} \"Greet from a push\"", history);

        chat.Type("quit");
        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        _output.WriteLine($"left the chat after {clock.Elapsed.TotalSeconds:0.0}s");
        Assert.False(Answers(), "the example a push deployed still answers after leaving the chat");
        // Nothing the bot printed by itself is glued to the waiting prompt, and every line fits a phone (a link is never cut).
        Assert.DoesNotMatch(@"> bot> \S+ example #", chat.Stdout);
        Assert.All(chat.Stdout.Split('\n'), line => Assert.True(line.Length <= Columns || line.TrimStart().StartsWith("http", StringComparison.Ordinal),
            $"wider than {Columns} columns: {line}"));
        Assert.DoesNotContain("warn", ChatLog);
    }

    public void Dispose()
    {
        var pidFile = Path.Combine(_dir["data"], "apps", "example", "production", "shared", "server.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try { Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { /* already stopped */ }
        }
        _dir.Dispose();
    }
}
