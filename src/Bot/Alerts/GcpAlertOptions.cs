using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Alerts;

/// <summary>
/// How <c>/alerts/gcp</c> tells Google from anyone else: <c>GCP_ALERTS_TOKEN</c>, the token a Cloud Monitoring webhook
/// channel carries (<c>…/alerts/gcp?token=…</c>, or as the password of basic auth); <c>GCP_PUSH_SERVICE_ACCOUNT</c>, the
/// service account a Pub/Sub push subscription signs its OIDC tokens as, whose audience must be <c>BOT_PUBLIC_URL</c> +
/// <c>/alerts/gcp</c> (or <c>GCP_PUSH_AUDIENCE</c>); <c>GOOGLE_OIDC_CERTS_URL</c> replaces Google's signing keys (tests).
/// </summary>
public sealed record GcpAlertOptions(string? Token, string? PushServiceAccount, string? Audience, Uri? CertsUrl)
{
    public static GcpAlertOptions From(IConfiguration configuration)
    {
        var audience = Blank(configuration["GCP_PUSH_AUDIENCE"])
            ?? (Blank(configuration["BOT_PUBLIC_URL"]) is { } url ? url.TrimEnd('/') + "/alerts/gcp" : null);
        Uri? certsUrl = null;
        if (Blank(configuration["GOOGLE_OIDC_CERTS_URL"]) is { } certs && !Uri.TryCreate(certs, UriKind.Absolute, out certsUrl))
            throw new ConfigException("GOOGLE_OIDC_CERTS_URL", $"'{certs}' is not an absolute URL of a JWKS or PEM certificates document");
        return new GcpAlertOptions(Blank(configuration["GCP_ALERTS_TOKEN"]), Blank(configuration["GCP_PUSH_SERVICE_ACCOUNT"]), audience, certsUrl);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
