using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Sources.GitHub;

/// <summary>
/// GitHub settings from the environment: <c>GITHUB_API_URL</c> (default <c>https://api.github.com</c>; GitHub Enterprise
/// Server is <c>https://host/api/v3</c>), <c>GITHUB_TOKEN</c> (bearer; without it reads of public repositories still
/// work) and <c>GITHUB_WEBHOOK_SECRET</c> (signs <c>/github/webhook</c>; unset turns the endpoint off).
/// </summary>
public sealed record GitHubOptions(Uri ApiBase, string? Token, string? WebhookSecret)
{
    public static readonly Uri DefaultApiBase = new("https://api.github.com/");

    public static GitHubOptions From(IConfiguration configuration) => new(
        Base(configuration["GITHUB_API_URL"]),
        Blank(configuration["GITHUB_TOKEN"]),
        Blank(configuration["GITHUB_WEBHOOK_SECRET"]));

    /// <summary>Always ends in <c>/</c>, so a relative path joined to it keeps an Enterprise <c>/api/v3</c> prefix.</summary>
    private static Uri Base(string? value)
    {
        if (Blank(value) is not { } url) return DefaultApiBase;
        return Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new ConfigException("GITHUB_API_URL", $"'{url}' is not an http(s) URL (GitHub Enterprise: https://host/api/v3)");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
