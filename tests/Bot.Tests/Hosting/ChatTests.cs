using System.Net;
using System.Text.RegularExpressions;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Bot.Hosting;
using Bot.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Hosting;

/// <summary>
/// <c>chat</c> as a terminal program, through the real binary with the bundled example: Ctrl-C (SIGINT) asks about a
/// running deploy, twice leaves; leaving stops the example it started; log lines stay off the conversation.
/// </summary>
public sealed class ChatTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("chat");
    private readonly int _port = Ports.Free();
    private readonly Dictionary<string, string?> _env;

    public ChatTests()
    {
        // The build waits for a file the test writes when it wants the deploy to go on, so Ctrl-C always finds it running.
        ExampleCopy.Write(_dir, _port, app => app["Shell"]!["Build"] = $"sh build.sh && while [ ! -e '{_dir["go"]}' ]; do sleep 0.05; done");
        _env = new() { ["BOT_CONFIG"] = _dir["bot.json"], ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };
    }

    private bool Answers()
    {
        using var client = new TcpClient();
        try { client.Connect("127.0.0.1", _port); return true; }
        catch (SocketException) { return false; }
    }

    [Fact]
    public async Task Ctrl_c_mid_deploy_asks_leave_it_running_and_quit_stops_the_example_it_started()
    {
        using var chat = BotProcess.StartInteractive(_env, _dir.Path, "chat");
        await chat.WaitForOutputAsync("Ctrl-C twice to leave", Patience);
        chat.Type("deploy example");
        await chat.WaitForOutputAsync("▸ build", Patience);
        chat.Interrupt();
        await chat.WaitForOutputAsync("Cancel it? Type y to cancel, n to", Patience);
        chat.Type("n");
        await chat.WaitForOutputAsync("Left running. To stop it later: cancel example", Patience);
        File.WriteAllText(_dir["go"], "");
        await chat.WaitForOutputAsync("✅ example #1 → production: live", Patience);
        Assert.True(Answers());

        chat.Type("quit");
        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        Assert.Contains("Stopped example (release 1-", chat.Stdout);
        Assert.False(Answers(), "the example server still answers after leaving the chat");
        Assert.DoesNotContain("warn:", chat.Stdout);
        Assert.DoesNotContain("Bot.Deployments", chat.Stdout);
        Assert.All(chat.Stdout.Split('\n'), line => Assert.True(line.Length <= 80, $"wider than 80 columns: {line}"));
    }

    [Fact]
    public async Task Ctrl_c_mid_deploy_then_yes_cancels_it_and_ctrl_c_twice_leaves()
    {
        using var chat = BotProcess.StartInteractive(_env, _dir.Path, "chat");
        await chat.WaitForOutputAsync("Ctrl-C twice to leave", Patience);
        chat.Type("deploy example");
        await chat.WaitForOutputAsync("▸ build", Patience);
        chat.Interrupt();
        await chat.WaitForOutputAsync("Cancel it?", Patience);
        chat.Type("y");
        await chat.WaitForOutputAsync("example #1 → production: cancelled", Patience);

        chat.Interrupt();
        await chat.WaitForOutputAsync("Press Ctrl-C again, or type quit, to leave.", Patience);
        chat.Interrupt();
        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task The_chat_serves_its_cards_full_log_links_on_loopback_while_it_runs()
    {
        File.WriteAllText(_dir["go"], "");
        using var chat = BotProcess.StartInteractive(_env, _dir.Path, "chat");
        await chat.WaitForOutputAsync("while the chat runs.", Patience);
        chat.Type("deploy example");
        await chat.WaitForOutputAsync("✅ example #1 → production: live", Patience);
        var url = Regex.Match(chat.Stdout, @"http://127\.0\.0\.1:\d+/d/example/1\?t=\S+").Value;
        Assert.False(string.IsNullOrEmpty(url), chat.Stdout);

        using var http = new HttpClient();
        var page = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("example #1", html);
        Assert.Contains("Built release 1-", html);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(url[..url.IndexOf('?')])).StatusCode);

        chat.Type("logs example #1");
        await chat.WaitForOutputAsync("Full log (on this machine, while the bot runs):", Patience);
        chat.Type("quit");
        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        Assert.All(chat.Stdout.Split('\n'), line => Assert.True(line.Length <= 80, $"wider than 80 columns: {line}"));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));
    }

    [Fact]
    public async Task Send_takes_its_options_anywhere_on_the_line()
    {
        var before = await BotProcess.RunAsync(_env, _dir.Path, "send", "--as", "ana", "status");
        var after = await BotProcess.RunAsync(_env, _dir.Path, "send", "status", "--as", "ana");
        Assert.True(before.Code == 0, before.Stdout + before.Stderr);
        Assert.Contains("ana> status", before.Stdout);
        Assert.Contains("ana> status", after.Stdout);
        Assert.DoesNotContain("--as", before.Stdout);
    }

    [Theory]
    [InlineData(new[] { "send", "--as", "ana", "deploy example" }, "deploy example", "ana")]
    [InlineData(new[] { "send", "deploy example", "--as", "ana" }, "deploy example", "ana")]
    [InlineData(new[] { "--as", "ana", "send", "deploy", "example" }, "deploy example", "ana")]
    [InlineData(new[] { "send", "--config", "b.json", "status" }, "status", null)]
    public void Cli_options_are_not_read_as_command_text(string[] args, string text, string? user)
    {
        var cli = BotCli.Parse(args);
        Assert.Equal(("send", text, user), (cli.Verb, cli.Text, cli.UserName));
    }

    [Fact]
    public void Send_without_text_says_what_it_needs()
    {
        var e = Assert.Throws<CliException>(() => BotCli.Parse(["send", "--as", "ana"]));
        Assert.StartsWith("send needs the command text", e.Message);
    }

    [Fact]
    public void Chat_log_lines_go_to_a_file_one_line_each()
    {
        var provider = new FileLoggerProvider(_dir["logs/chat.log"], TimeProvider.System);
        provider.CreateLogger("Bot.Deployments.JobWorker").Log(LogLevel.Warning, "first\nsecond");
        var line = Assert.Single(File.ReadAllLines(_dir["logs/chat.log"]));
        Assert.EndsWith("warn Bot.Deployments.JobWorker: first second", line);
    }

    public void Dispose()
    {
        var pidFile = Path.Combine(_dir["data"], "apps", "example", "production", "shared", "server.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { /* already stopped */ }
        }
        _dir.Dispose();
    }
}
