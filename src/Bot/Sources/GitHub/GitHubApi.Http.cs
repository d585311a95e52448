using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bot.Http;

namespace Bot.Sources.GitHub;

/// <summary>The transport under <see cref="GitHubApi"/>: headers, the <c>Link</c> to the next page, and GitHub's error bodies.</summary>
public sealed partial class GitHubApi
{
    /// <summary>The named client with the resilience handler.</summary>
    public const string Client = "github";

    public const string MediaType = "application/vnd.github+json";

    /// <summary>The REST API version the calls are written against; GitHub answers in this shape whatever comes later.</summary>
    public const string ApiVersion = "2022-11-28";

    /// <summary>GitHub refuses requests without a User-Agent.</summary>
    public const string UserAgent = "deploybot";

    private Task<(T Answer, Uri? Next)> CallAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> answer, CancellationToken ct, bool retry = true)
        where T : class => CallAsync(method, new Uri(options.ApiBase, path), body, answer, ct, retry);

    private async Task<(T Answer, Uri? Next)> CallAsync<T>(HttpMethod method, Uri url, HttpContent? body, JsonTypeInfo<T> answer, CancellationToken ct, bool retry = true)
        where T : class
    {
        var call = $"{method.Method} {url.AbsolutePath}";
        using var request = new HttpRequestMessage(method, url) { Content = body };
        request.Headers.TryAddWithoutValidation("Accept", MediaType);
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", ApiVersion);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (options.Token is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (!retry) request.Options.Set(PlatformHttp.NoRetry, true);

        HttpResponseMessage response;
        try { response = await clients.CreateClient(Client).SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false); }
        catch (Exception e) when (PlatformHttp.IsUnreachable(e, ct))
        {
            throw new GitHubApiException(call, 0, $"GitHub could not be reached ({e.Message})");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(call, response, ct).ConfigureAwait(false);
            // 202 is GitHub merging the default branch in first (auto_merge); the bot never asks for that.
            if (response.StatusCode == HttpStatusCode.Accepted && method == HttpMethod.Post)
                throw await ErrorAsync(call, response, ct).ConfigureAwait(false);
            try
            {
                var value = await response.Content.ReadFromJsonAsync(answer, ct).ConfigureAwait(false)
                    ?? throw new GitHubApiException(call, (int)response.StatusCode, "the answer was empty");
                return (value, Next(response));
            }
            catch (JsonException e)
            {
                throw new GitHubApiException(call, (int)response.StatusCode, $"the answer was not what the API describes ({e.Message})");
            }
        }
    }

    private static async Task<GitHubApiException> ErrorAsync(string call, HttpResponseMessage response, CancellationToken ct)
    {
        var error = await PlatformJson.TryReadAsync(response, GitHubJson.Default.Error, ct).ConfigureAwait(false);
        var message = error?.Message ?? response.ReasonPhrase ?? "no reason given";
        // A 422 says "Validation Failed" and puts the why in its errors.
        if (error?.Errors?.FirstOrDefault() is { } detail)
            message += $": {detail.Message ?? string.Join(' ', new[] { detail.Resource, detail.Field, detail.Code }.Where(s => s is not null))}";
        return new GitHubApiException(call, (int)response.StatusCode, message);
    }

    /// <summary>
    /// The <c>rel="next"</c> URL of GitHub's <c>Link</c> header, only when it points at the API the token is for: the
    /// token is sent with every page.
    /// </summary>
    private Uri? Next(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (var part in values.SelectMany(v => v.Split(',')))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (pieces.Length < 2 || !pieces.Skip(1).Any(p => p.Replace(" ", "").Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase))) continue;
            var target = pieces[0].Trim('<', '>', ' ');
            if (Uri.TryCreate(target, UriKind.Absolute, out var next)
                && Uri.Compare(next, options.ApiBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                return next;
        }
        return null;
    }
}
