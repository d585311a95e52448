using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Bot.Tests.Support;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c> package) driven over the Chrome DevTools Protocol: one page, a phone-sized
/// viewport, navigate, evaluate (awaiting promises, so a test waits on a DOM event, not on a clock), screenshot. It runs
/// with a profile folder of its own, and is killed by pid and that folder removed when disposed.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string Missing = "Chromium is not installed: `apt-get install -y chromium` (Debian's package; .ci/run installs it when it is missing).";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TempDir _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _answers = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;
    private int _id;

    private Chromium(Process process, TempDir profile) => (_process, _profile) = (process, profile);

    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static string? Binary() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// The browser, installed first where the tests run as root on Debian (a fresh machine or container, as .ci/run
    /// does for PostgreSQL and Chromium), so <c>dotnet test Bot.sln</c> needs nothing else; otherwise the test fails
    /// saying how to install it.
    /// </summary>
    private static async Task<string> BinaryOrInstallAsync()
    {
        if (Binary() is { } found) return found;
        await Installing.WaitAsync();
        try
        {
            if (Binary() is { } now) return now;
            if (Environment.UserName == "root" && File.Exists("/usr/bin/apt-get"))
            {
                foreach (var args in new[] { "update -qq", "install -y -qq chromium" })
                {
                    using var apt = Process.Start(new ProcessStartInfo("/usr/bin/apt-get", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                    var output = apt.StandardOutput.ReadToEndAsync();
                    var errors = apt.StandardError.ReadToEndAsync();
                    await apt.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(15));
                    await Task.WhenAll(output, errors);
                }
            }
            return Binary() ?? throw new InvalidOperationException(Missing);
        }
        finally { Installing.Release(); }
    }

    /// <summary>Starts the browser with one page at <paramref name="width"/>×<paramref name="height"/> CSS pixels, as a phone.</summary>
    public static async Task<Chromium> StartAsync(int width = 360, int height = 740)
    {
        var binary = await BinaryOrInstallAsync();
        var profile = new TempDir("chromium");
        var info = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                     "--remote-debugging-port=0", $"--user-data-dir={profile.Path}", $"--window-size={width},{height}", "about:blank" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new Chromium(process, profile);
        try
        {
            await browser.ConnectAsync(width, height);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task ConnectAsync(int width, int height)
    {
        // Chromium writes the port it chose (and the browser's own path) into DevToolsActivePort once it listens.
        var file = Path.Combine(_profile.Path, "DevToolsActivePort");
        using var limit = new CancellationTokenSource(Patience);
        string[] lines;
        while (!File.Exists(file) || (lines = File.ReadAllLines(file)).Length < 2)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with code {_process.ExitCode} before it listened");
            await Task.Delay(50, limit.Token);
        }
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{lines[0].Trim()}/json/list", limit.Token))!.AsArray();
        var page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!;
        await _socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()), limit.Token);
        _reading = ReadAsync();
        await SendAsync("Page.enable");
        await SendAsync("Runtime.enable");
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 2, ["mobile"] = true });
    }

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url)
    {
        var loaded = Expect("Page.loadEventFired");
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await loaded.WaitAsync(Patience);
        // A late load event of the blank page would pass the wait above: wait for the new document itself.
        await EvaluateAsync("new Promise(r=>{const f=()=>document.readyState==='complete'&&location.href!=='about:blank'?r(true):setTimeout(f,20);f()})");
    }

    /// <summary>The value of a JavaScript expression; a promise is awaited (so the page itself says when something happened).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, TimeSpan? patience = null)
    {
        var answer = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true }, patience);
        if (answer["exceptionDetails"] is { } failure) throw new InvalidOperationException($"page script failed: {failure.ToJsonString()}");
        return answer["result"]?["value"]?.DeepClone();
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var answer = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = false });
        return Convert.FromBase64String(answer["data"]!.GetValue<string>());
    }

    private Task<JsonObject> Expect(string method) => _events.GetOrAdd(method, _ => new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, TimeSpan? patience = null)
    {
        var id = Interlocked.Increment(ref _id);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var reply = await answer.Task.WaitAsync(patience ?? Patience);
        if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (node["id"] is { } id && _answers.TryRemove(id.GetValue<int>(), out var waiting)) waiting.TrySetResult(node);
                else if (node["method"]?.GetValue<string>() is { } method && _events.TryRemove(method, out var expected)) expected.TrySetResult(node);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { /* closing */ }
        foreach (var waiting in _answers.Values) waiting.TrySetException(new InvalidOperationException("chromium closed the DevTools connection"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _reading; } catch (Exception) { /* already reported to the callers */ }
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
        _profile.Dispose();
        _stop.Dispose();
    }
}
