using System.Net;
using Bot.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Bot.Targets.Lambda;

/// <summary>
/// The transport under the Lambda, CloudWatch Logs and CloudWatch clients: signs each attempt with SigV4 and fresh keys,
/// waits out throttling (<c>Retry-After</c>, else 1, 2, 4 s) and turns AWS's error answers into <see cref="AwsApiException"/>.
/// 5xx and timeouts are retried by the resilience handler of the <see cref="ClientName"/> client, except calls marked not to.
/// </summary>
public sealed class AwsClient(IHttpClientFactory clients, AwsOptions options, AwsCredentials credentials, TimeProvider time, ILogger<AwsClient> logger)
{
    public const string ClientName = "aws";
    public const string UploadClientName = "aws-upload";
    public const string InvokeClientName = "aws-invoke";
    public const int ThrottleRetries = 3;

    private static readonly string[] KeptHeaders = ["X-Amz-Function-Error", "X-Amz-Log-Result", "X-Amz-Executed-Version"];

    public AwsOptions Options => options;

    public async Task<T> JsonAsync<T>(AwsCall call, JsonTypeInfo<T> answer, CancellationToken ct)
    {
        var response = await SendAsync(call, ct).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(response.Body, answer)
                ?? throw new AwsApiException(call.Name, response.Status, "InvalidResponse", "the answer was empty");
        }
        catch (JsonException e)
        {
            throw new AwsApiException(call.Name, response.Status, "InvalidResponse", $"the answer was not what the API describes ({e.Message})");
        }
    }

    public async Task<AwsResponse> SendAsync(AwsCall call, CancellationToken ct)
    {
        var http = clients.CreateClient(call.Upload ? UploadClientName : call.Waits ? InvokeClientName : ClientName);
        for (var attempt = 0; ; attempt++)
        {
            var keys = await credentials.GetAsync(ct).ConfigureAwait(false);
            using var request = Request(call, keys);
            TimeSpan wait;
            try
            {
                using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                var body = await answer.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                if (answer.IsSuccessStatusCode) return new AwsResponse((int)answer.StatusCode, body, Kept(answer));
                var error = Error(call, answer, body);
                if (!Throttled(answer.StatusCode, error.Code) || attempt == ThrottleRetries) throw error;
                wait = PlatformHttp.RetryAfter(answer, time, TimeSpan.FromSeconds(1 << attempt));
                logger.LogWarning("AWS throttled {Call} ({Code}); trying again in {Seconds}s", call.Name, error.Code, wait.TotalSeconds);
            }
            catch (Exception e) when (PlatformHttp.IsUnreachable(e, ct))
            {
                throw new AwsApiException(call.Name, 0, "Unavailable", $"{options.EndpointOf(call.Service, call.Region).Host} could not be reached ({e.Message})");
            }
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, string> Kept(HttpResponseMessage answer)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in KeptHeaders)
            if (answer.Headers.TryGetValues(name, out var values)) headers[name] = string.Join(",", values);
        return headers;
    }

    /// <summary>PUTs a code zip to S3 (for <c>Lambda:S3Bucket</c>); sent once, on the upload client.</summary>
    public async Task PutObjectAsync(string bucket, string key, byte[] content, CancellationToken ct)
    {
        var keys = await credentials.GetAsync(ct).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Put, options.ObjectUrl(bucket, key)) { Content = new ByteArrayContent(content) };
        SigV4.Sign(request, content, keys, options.Region ?? "us-east-1", AwsService.S3.SigningName, time.GetUtcNow(), s3: true);
        try
        {
            using var answer = await clients.CreateClient(UploadClientName).SendAsync(request, ct).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
                throw new AwsApiException("PutObject", (int)answer.StatusCode, $"Http{(int)answer.StatusCode}",
                    $"S3 refused s3://{bucket}/{key}: {(await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Trim()}");
        }
        catch (HttpRequestException e)
        {
            throw new AwsApiException("PutObject", 0, "Unavailable", $"S3 could not be reached ({e.Message})");
        }
    }

    /// <summary>
    /// GETs a presigned URL AWS handed out (a version's <c>Code.Location</c>). It carries its own signature, so nothing is
    /// signed or added here; on the upload client, whose timeout fits a 50 MB zip.
    /// </summary>
    public async Task<byte[]> GetPresignedAsync(string call, Uri url, CancellationToken ct)
    {
        try
        {
            using var answer = await clients.CreateClient(UploadClientName).GetAsync(url, ct).ConfigureAwait(false);
            if (!answer.IsSuccessStatusCode)
                throw new AwsApiException(call, (int)answer.StatusCode, $"Http{(int)answer.StatusCode}", $"the code's download URL answered {(int)answer.StatusCode} {answer.ReasonPhrase}");
            return await answer.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AwsApiException(call, 0, "Unavailable", $"the code's download URL could not be reached ({e.Message})");
        }
    }

    private HttpRequestMessage Request(AwsCall call, AwsKeys keys)
    {
        var request = new HttpRequestMessage(call.Method, new Uri(options.EndpointOf(call.Service, call.Region), call.Path));
        var body = call.Body ?? [];
        if (call.Body is not null || call.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (call.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(call.ContentType);
        }
        if (call.Target is not null) request.Headers.TryAddWithoutValidation("X-Amz-Target", call.Target);
        if (call.InvocationType is not null) request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", call.InvocationType);
        if (call.LogType is not null) request.Headers.TryAddWithoutValidation("X-Amz-Log-Type", call.LogType);
        if (!call.Retry) request.Options.Set(PlatformHttp.NoRetry, true);
        SigV4.Sign(request, body, keys, call.Region ?? options.Region ?? "us-east-1", call.Service.SigningName, time.GetUtcNow());
        return request;
    }

    /// <summary>
    /// Throttled, said in the body of a 400 (CloudWatch Logs, SNS). A 429 was waited out by the resilience pipeline
    /// already (<see cref="PlatformHttp"/>); one still here is not tried again on top.
    /// </summary>
    private static bool Throttled(HttpStatusCode status, string code) =>
        status != HttpStatusCode.TooManyRequests && code is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded";

    /// <summary>The error code from <c>X-Amzn-ErrorType</c>, <c>x-amzn-query-error</c> or the body's <c>__type</c>/<c>code</c>; the message from the body.</summary>
    internal static AwsApiException Error(AwsCall call, HttpResponseMessage answer, byte[] body)
    {
        string? code = null, message = null;
        if (answer.Headers.TryGetValues("x-amzn-query-error", out var query)) code = query.First().Split(';')[0];
        else if (answer.Headers.TryGetValues("X-Amzn-ErrorType", out var type)) code = type.First();
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
                foreach (var p in json.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) continue;
                    if (p.NameEquals("__type") || p.NameEquals("code") || p.NameEquals("Code")) code ??= p.Value.GetString();
                    else if (p.NameEquals("message") || p.NameEquals("Message") || p.NameEquals("errorMessage")) message ??= p.Value.GetString();
                }
        }
        catch (JsonException) { /* not JSON: the status says enough */ }
        code = Short(code) ?? $"Http{(int)answer.StatusCode}";
        return new AwsApiException(call.Name, (int)answer.StatusCode, code, message ?? answer.ReasonPhrase ?? "no reason given");
    }

    /// <summary><c>com.amazon.coral#ResourceConflictException</c> and <c>ResourceConflictException:http://…</c> are both <c>ResourceConflictException</c>.</summary>
    private static string? Short(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        var s = code;
        if (s.IndexOf(':') is > 0 and var colon) s = s[..colon];
        if (s.LastIndexOf('#') is >= 0 and var hash) s = s[(hash + 1)..];
        return s.Trim();
    }
}
