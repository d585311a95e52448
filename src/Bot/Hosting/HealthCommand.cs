using Bot.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Hosting;

/// <summary>
/// <c>bot health [--url http://127.0.0.1:8080] [--timeout 3s]</c>: GETs <c>/healthz</c> of a <c>serve</c> and exits 0 when it answers
/// 200, 1 otherwise. It is the container's <c>HEALTHCHECK</c>: the small runtime image has no shell and no curl.
/// Without <c>--url</c> it asks 127.0.0.1 on <c>PORT</c> (default 8080), where <c>serve</c> listens in the image.
/// </summary>
public static class HealthCommand
{
    public const string Path = "/healthz";
    public const int DefaultPort = 8080;

    /// <summary>Well inside Docker's own default <c>HEALTHCHECK --timeout</c> of 30 s; <c>--timeout</c> changes it.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(BotCli cli)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(cli.PassThrough).Build();
        var port = configuration["PORT"] is { Length: > 0 } p ? p : DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var given = configuration["url"] ?? $"http://127.0.0.1:{port}";
        if (!Uri.TryCreate(given.TrimEnd('/') + Path, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new CliException($"'{given}' is not an http(s) URL. Pass e.g. --url http://127.0.0.1:8080.");

        var timeout = configuration["timeout"] is { } t ? Durations.Parse(t) : DefaultTimeout;
        if (timeout is not { } wait || wait <= TimeSpan.Zero)
            throw new CliException($"'{configuration["timeout"]}' is not a timeout. Pass e.g. --timeout 3s.");

        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient();
        http.Timeout = wait;
        try
        {
            using var response = await http.GetAsync(url).ConfigureAwait(false);
            Console.WriteLine($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{url}: no answer ({e.Message})");
            return 1;
        }
    }
}
