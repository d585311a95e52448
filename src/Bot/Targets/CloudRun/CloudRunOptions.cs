using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Google Cloud settings from the environment: the API bases (<c>GOOGLE_CLOUDBUILD_API_URL</c>, <c>GOOGLE_RUN_API_URL</c>,
/// <c>GOOGLE_LOGGING_API_URL</c>, for tests and compatible services), <c>GOOGLE_APPLICATION_CREDENTIALS</c> (a credential
/// file; without it Application Default Credentials look further: gcloud's user credentials, the metadata server), and
/// <c>GOOGLE_POLL_INTERVAL</c>, the first pause in milliseconds between looks at a build or an operation (default 1000, growing to 10 s).
/// </summary>
public sealed record CloudRunOptions(Uri BuildApi, Uri RunApi, Uri LoggingApi, string? CredentialsFile, TimeSpan PollFirst, TimeSpan PollMax)
{
    public static readonly Uri DefaultBuildApi = new("https://cloudbuild.googleapis.com/");
    public static readonly Uri DefaultRunApi = new("https://run.googleapis.com/");
    public static readonly Uri DefaultLoggingApi = new("https://logging.googleapis.com/");

    public static CloudRunOptions From(IConfiguration configuration)
    {
        var first = TimeSpan.FromSeconds(1);
        if (Blank(configuration["GOOGLE_POLL_INTERVAL"]) is { } p)
            first = int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0
                ? TimeSpan.FromMilliseconds(ms) : throw new ConfigException("GOOGLE_POLL_INTERVAL", $"'{p}' is not a whole number of milliseconds");
        return new CloudRunOptions(
            Base(configuration["GOOGLE_CLOUDBUILD_API_URL"], DefaultBuildApi, "GOOGLE_CLOUDBUILD_API_URL"),
            Base(configuration["GOOGLE_RUN_API_URL"], DefaultRunApi, "GOOGLE_RUN_API_URL"),
            Base(configuration["GOOGLE_LOGGING_API_URL"], DefaultLoggingApi, "GOOGLE_LOGGING_API_URL"),
            Blank(configuration["GOOGLE_APPLICATION_CREDENTIALS"]),
            first, TimeSpan.FromTicks(Math.Max(first.Ticks, TimeSpan.FromSeconds(10).Ticks)));
    }

    /// <summary>The pauses between looks at something that takes a while: first, then half as long again each time, up to the maximum.</summary>
    public TimeSpan Pause(int look) =>
        TimeSpan.FromTicks((long)Math.Min(PollMax.Ticks, PollFirst.Ticks * Math.Pow(1.5, Math.Min(look, 30))));

    private static Uri Base(string? value, Uri fallback, string key)
    {
        if (Blank(value) is not { } url) return fallback;
        return Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new ConfigException(key, $"'{url}' is not an http(s) URL");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
