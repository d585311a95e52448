using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Bot.Security;

namespace Bot.Alerts;

/// <summary>
/// Amazon SNS message signatures: RSA PKCS#1 v1.5 over <c>key\nvalue\n</c> of the signed fields in their fixed order,
/// SHA1 for <c>SignatureVersion</c> 1 and SHA256 for 2, checked with the certificate at <c>SigningCertURL</c>, which is
/// trusted only on an https <c>sns.&lt;region&gt;.amazonaws.com</c> host. Pure: the certificate comes in.
/// </summary>
public static partial class SnsSignature
{
    private static readonly string[] NotificationFields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
    private static readonly string[] ConfirmationFields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];

    public static SignatureCheck Verify(SnsMessage message, X509Certificate2 certificate)
    {
        if (string.IsNullOrEmpty(message.Signature) || string.IsNullOrEmpty(message.SignatureVersion)) return SignatureCheck.Missing;
        HashAlgorithmName? hash = message.SignatureVersion switch { "1" => HashAlgorithmName.SHA1, "2" => HashAlgorithmName.SHA256, _ => null };
        if (hash is null || StringToSign(message) is not { } text) return SignatureCheck.Mismatch;
        var signature = new byte[message.Signature.Length];
        if (!Convert.TryFromBase64String(message.Signature, signature, out var length)) return SignatureCheck.Mismatch;
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(Encoding.UTF8.GetBytes(text), signature.AsSpan(0, length), hash.Value, RSASignaturePadding.Pkcs1)
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }

    /// <summary>The canonical string, or null when a field the type requires is missing (Subject is optional).</summary>
    public static string? StringToSign(SnsMessage m)
    {
        var fields = m.Type switch
        {
            "Notification" => NotificationFields,
            "SubscriptionConfirmation" or "UnsubscribeConfirmation" => ConfirmationFields,
            _ => null,
        };
        if (fields is null) return null;
        var s = new StringBuilder();
        foreach (var name in fields)
        {
            var value = name switch
            {
                "Message" => m.Message, "MessageId" => m.MessageId, "Subject" => m.Subject, "Timestamp" => m.Timestamp, "TopicArn" => m.TopicArn,
                "Type" => m.Type, "SubscribeURL" => m.SubscribeUrl, "Token" => m.Token, _ => null,
            };
            if (value is null)
            {
                if (name == "Subject") continue;
                return null;
            }
            s.Append(name).Append('\n').Append(value).Append('\n');
        }
        return s.ToString();
    }

    /// <summary>An https URL on <c>sns.&lt;region&gt;.amazonaws.com</c> (or <c>.com.cn</c>) ending in <c>.pem</c>: the only place certificates come from.</summary>
    public static bool IsCertificateUrl(string? url) =>
        IsSnsUrl(url, out var uri) && uri.AbsolutePath.EndsWith(".pem", StringComparison.Ordinal);

    /// <summary>An https URL on an SNS host, with no user info and the default port.</summary>
    public static bool IsSnsUrl(string? url, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || !parsed.IsDefaultPort
            || parsed.UserInfo.Length > 0 || !SnsHost().IsMatch(parsed.Host))
            return false;
        uri = parsed;
        return true;
    }

    /// <summary>The validator AWS publishes accepts exactly these hosts.</summary>
    [GeneratedRegex(@"^sns\.[a-z0-9\-]{3,}\.amazonaws\.com(\.cn)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SnsHost();
}
