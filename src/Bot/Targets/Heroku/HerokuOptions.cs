using Microsoft.Extensions.Configuration;

namespace Bot.Targets.Heroku;

/// <summary>
/// Heroku settings from the environment: <c>HEROKU_API_KEY</c> (Platform API bearer), <c>HEROKU_API_URL</c>
/// (default <c>https://api.heroku.com</c>), <c>HEROKU_WEBHOOK_SECRET</c> (signs <c>/alerts/heroku</c>),
/// and for GitHub sources <c>GITHUB_TOKEN</c> (private repositories) with <c>GITHUB_API_URL</c>.
/// </summary>
public sealed record HerokuOptions(string? ApiKey, Uri ApiBase, string? WebhookSecret, string? GitHubToken, Uri GitHubApiBase)
{
    public static readonly Uri DefaultApiBase = new("https://api.heroku.com/");
    public static readonly Uri DefaultGitHubApiBase = new("https://api.github.com/");

    public static HerokuOptions From(IConfiguration configuration) => new(
        Blank(configuration["HEROKU_API_KEY"]),
        Base(configuration["HEROKU_API_URL"], DefaultApiBase, "HEROKU_API_URL"),
        Blank(configuration["HEROKU_WEBHOOK_SECRET"]),
        Blank(configuration["GITHUB_TOKEN"]),
        Base(configuration["GITHUB_API_URL"], DefaultGitHubApiBase, "GITHUB_API_URL"));

    private static Uri Base(string? value, Uri fallback, string key)
    {
        if (Blank(value) is not { } url) return fallback;
        return Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new Configuration.ConfigException(key, $"'{url}' is not an http(s) URL");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
