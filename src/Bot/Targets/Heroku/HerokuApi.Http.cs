using System.Globalization;
using Bot.Http;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bot.Targets.Heroku;

/// <summary>The transport under <see cref="HerokuApi"/>: headers, the rate-limit budget, a 429 the pipeline gave up on, and Heroku's error bodies.</summary>
public sealed partial class HerokuApi
{
    /// <summary>The client with the key and the resilience handler; <see cref="BlobClient"/> has neither.</summary>
    public const string ApiClient = "heroku";
    public const string BlobClient = "heroku-blobs";

    /// <summary>Marks a request the resilience handler must not send twice.</summary>
    public static HttpRequestOptionsKey<bool> NoRetry => PlatformHttp.NoRetry;

    public const string MediaType = "application/vnd.heroku+json; version=3";

    /// <summary>How many times the resilience pipeline waits out a 429 before the call fails.</summary>
    public const int RateLimitRetries = PlatformHttp.RateLimitRetries;

    /// <summary>Below this many calls left in the budget, calls are spaced out...</summary>
    public const int PaceBelow = 100;

    /// <summary>...at the rate Heroku refills the budget (4,500 an hour, 75 a minute), so it is never used up.</summary>
    public static readonly TimeSpan PaceInterval = TimeSpan.FromHours(1) / 4500;

    private int _remaining = int.MaxValue;

    /// <summary>The last <c>RateLimit-Remaining</c> Heroku reported.</summary>
    public int RateLimitRemaining => Volatile.Read(ref _remaining);

    private async Task<T> CallAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> answer, CancellationToken ct,
        string? range = null, bool retry = true)
    {
        var call = $"{method.Method} /{path}";
        using var response = await SendAsync(call, () => Request(method, path, body, range, retry), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(call, response, ct).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync(answer, ct).ConfigureAwait(false)
                ?? throw new HerokuApiException(call, (int)response.StatusCode, "invalid_response", "the answer was empty");
        }
        catch (JsonException e)
        {
            throw new HerokuApiException(call, (int)response.StatusCode, "invalid_response", $"the answer was not what the API describes ({e.Message})");
        }
    }

    private async Task CallAsync(HttpMethod method, string path, CancellationToken ct)
    {
        var call = $"{method.Method} /{path}";
        using var response = await SendAsync(call, () => Request(method, path, null, null, true), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(call, response, ct).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? body, string? range, bool retry)
    {
        var key = options.ApiKey ?? throw new HerokuApiException($"{method.Method} /{path}", 401, "unauthorized", "HEROKU_API_KEY is not set");
        var request = new HttpRequestMessage(method, new Uri(options.ApiBase, path)) { Content = body };
        request.Headers.TryAddWithoutValidation("Accept", MediaType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        if (!retry) request.Options.Set(NoRetry, true);
        return request;
    }

    /// <summary>
    /// Paces calls when the budget runs low and sends. A 429 is waited out by the resilience pipeline (<c>Retry-After</c>,
    /// else 2, 4, 8 s; see <see cref="PlatformHttp"/>): one still here means the account's budget stays spent.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(string call, Func<HttpRequestMessage> request, CancellationToken ct)
    {
        var http = clients.CreateClient(ApiClient);
        if (RateLimitRemaining < PaceBelow)
            await Task.Delay(PaceInterval, time, ct).ConfigureAwait(false);
        HttpResponseMessage response;
        using (var message = request())
        {
            try { response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false); }
            catch (Exception e) when (PlatformHttp.IsUnreachable(e, ct))
            {
                throw new HerokuApiException(call, 0, "unavailable", $"Heroku could not be reached ({e.Message})");
            }
        }
        if (response.Headers.TryGetValues("RateLimit-Remaining", out var values)
            && int.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
            Volatile.Write(ref _remaining, remaining);
        if (response.StatusCode != HttpStatusCode.TooManyRequests) return response;
        response.Dispose();
        throw new HerokuApiException(call, 429, "rate_limit", "the account's API rate limit is used up");
    }

    /// <summary>The resilience pipeline's first wait after a 429 without <c>Retry-After</c> (then 4 s, 8 s).</summary>
    public static readonly TimeSpan RateLimitWait = TimeSpan.FromSeconds(2);

    private static async Task EnsureSuccessAsync(string call, HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var error = await PlatformJson.TryReadAsync(response, HerokuJson.Default.HerokuError, ct).ConfigureAwait(false);
        throw new HerokuApiException(call, (int)response.StatusCode, error?.Id ?? $"http_{(int)response.StatusCode}",
            error?.Message ?? response.ReasonPhrase ?? "no reason given");
    }

    /// <summary>Opens a URL Heroku handed out (build or release output, a log session) from byte <paramref name="offset"/>; no key is sent.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(Uri url, long offset, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        return await clients.CreateClient(BlobClient).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
    }

    /// <summary>PUTs a source tarball to a <c>put_url</c> (a signed storage URL: no key, and no Content-Type, which the signature does not cover).</summary>
    public async Task UploadAsync(Uri putUrl, Stream content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, putUrl) { Content = new StreamContent(content) };
        request.Content.Headers.ContentLength = content.Length;
        HttpResponseMessage response;
        try { response = await clients.CreateClient(BlobClient).SendAsync(request, ct).ConfigureAwait(false); }
        catch (HttpRequestException e) { throw new HerokuApiException("PUT source", 0, "unavailable", $"the upload did not go through ({e.Message})"); }
        using (response)
            if (!response.IsSuccessStatusCode)
                throw new HerokuApiException("PUT source", (int)response.StatusCode, "upload_failed", $"storage answered {(int)response.StatusCode} {response.ReasonPhrase}");
    }
}
