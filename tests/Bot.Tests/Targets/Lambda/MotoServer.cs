using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Targets.Lambda;
using Bot.Tests.Support;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// A real <c>moto_server</c> on a free loopback port for one test class, killed on dispose (and at process exit).
/// <see cref="SendAsync"/> signs a request as any SDK would (moto picks the service from the credential scope), for the
/// set-up calls the bot itself never makes: IAM CreateRole, CreateFunction, CreateAlias, PutLogEvents, alarms.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public static readonly AwsKeys Keys = new("testing", "testing", null);
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private MotoServer(Process process, int port)
    {
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Url { get; }

    public static async Task<MotoServer> StartAsync()
    {
        var port = Ports.Free();
        var info = new ProcessStartInfo("moto_server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("moto_server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var moto = new MotoServer(process, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => moto.Kill();
        // Readiness, not timing: moto takes a second or two to import; its API answers once it listens.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var ready = await moto._http.GetAsync(new Uri(moto.Url, "moto-api/data.json"), patience.Token);
                if (ready.IsSuccessStatusCode) return moto;
            }
            catch (HttpRequestException) when (!process.HasExited) { }
            if (process.HasExited) throw new InvalidOperationException($"moto_server exited with {process.ExitCode}");
            await Task.Delay(100, patience.Token);
        }
    }

    /// <summary>A SigV4-signed request for <paramref name="service"/>; throws with moto's answer when it fails.</summary>
    public async Task<JsonNode?> SendAsync(string service, HttpMethod method, string path, string? body = null, string? contentType = null, string? target = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Url, path));
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? "application/json");
        }
        if (target is not null) request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        SigV4.Sign(request, bytes, Keys, Region, service, DateTimeOffset.UtcNow);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"moto {service} {method} {path}: {(int)response.StatusCode} {text}");
        return text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null;
    }

    public Task<JsonNode?> JsonAsync(string service, string target, string version, JsonObject body) =>
        SendAsync(service, HttpMethod.Post, "", body.ToJsonString(), $"application/x-amz-json-{version}", target);

    /// <summary>Lambda with no Docker in moto: invokes run as a stub instead of failing on the missing engine.</summary>
    public async Task NoDockerAsync()
    {
        // With a length, not chunked: moto's development server reads no chunked body.
        using var body = new StringContent("""{"lambda": {"use_docker": false}}""", Encoding.UTF8, "application/json");
        (await _http.PostAsync(new Uri(Url, "moto-api/config"), body)).EnsureSuccessStatusCode();
    }

    private void Kill()
    {
        try { if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); } }
        catch (InvalidOperationException) { /* already gone */ }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
