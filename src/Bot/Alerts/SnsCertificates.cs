using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Bot.Alerts;

/// <summary>
/// The SNS signing certificates, fetched from their <c>SigningCertURL</c> (only an SNS host, see
/// <see cref="SnsSignature.IsCertificateUrl"/>) and kept by URL, so a busy topic costs one fetch; a failed fetch is not
/// kept. Also makes the one GET that confirms a subscription.
/// </summary>
public sealed class SnsCertificates(IHttpClientFactory clients, ILogger<SnsCertificates> logger)
{
    public const string ClientName = "sns";
    private const int MaxCertificates = 32;
    private readonly ConcurrentDictionary<string, Lazy<Task<X509Certificate2?>>> _byUrl = new(StringComparer.Ordinal);

    /// <summary>The certificate, or null when the URL is not an SNS one or the fetch failed.</summary>
    public async Task<X509Certificate2?> GetAsync(string? url, CancellationToken ct)
    {
        if (url is null || !SnsSignature.IsCertificateUrl(url)) return null;
        if (_byUrl.Count >= MaxCertificates) _byUrl.Clear();
        var entry = _byUrl.GetOrAdd(url, u => new Lazy<Task<X509Certificate2?>>(() => FetchAsync(u)));
        var certificate = await entry.Value.WaitAsync(ct).ConfigureAwait(false);
        if (certificate is null) _byUrl.TryRemove(new KeyValuePair<string, Lazy<Task<X509Certificate2?>>>(url, entry));
        return certificate;
    }

    /// <summary>GETs a <c>SubscribeURL</c> on an SNS host; false when it is not one or SNS said no.</summary>
    public async Task<bool> ConfirmAsync(string? subscribeUrl, CancellationToken ct)
    {
        if (!SnsSignature.IsSnsUrl(subscribeUrl, out var uri)) return false;
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(uri, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) logger.LogWarning("SNS refused the subscription confirmation: {Status}", (int)response.StatusCode);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Could not confirm the SNS subscription at {Host}: {Message}", uri.Host, e.Message);
            return false;
        }
    }

    private async Task<X509Certificate2?> FetchAsync(string url)
    {
        try
        {
            // Not the request's token: the fetch is shared by every request waiting for this certificate.
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var pem = await clients.CreateClient(ClientName).GetStringAsync(new Uri(url), patience.Token).ConfigureAwait(false);
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (Exception e) when (e is HttpRequestException or CryptographicException or OperationCanceledException or ArgumentException)
        {
            logger.LogWarning("Could not get the SNS signing certificate {Url}: {Message}", url, e.Message);
            return null;
        }
    }
}
