using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Alerts;

namespace Bot.Tests.Alerts;

/// <summary>A key pair and self-signed certificate made in the test, signing SNS messages as SNS does (AWS publishes no fixed vector).</summary>
public sealed class SnsSigner
{
    public const string CertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    public const string TopicArn = "arn:aws:sns:us-east-1:123456789012:api-alarms";
    private readonly RSA _key = RSA.Create(2048);

    /// <summary>One key for every test: making an RSA key costs a good part of a second on a busy machine.</summary>
    public static SnsSigner Shared { get; } = new();

    private SnsSigner()
    {
        var request = new CertificateRequest("CN=sns.amazonaws.com", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public X509Certificate2 Certificate { get; }
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Fills in <c>Signature</c> for the message's fields (version 1 = SHA1, 2 = SHA256).</summary>
    public JsonObject Sign(JsonObject message, string version = "2")
    {
        message["SignatureVersion"] = version;
        message["SigningCertURL"] ??= CertUrl;
        var text = SnsSignature.StringToSign(SnsMessage.From(message))!;
        var hash = version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        message["Signature"] = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(text), hash, RSASignaturePadding.Pkcs1));
        return message;
    }

    public static JsonObject Notification(string message, string id = "5f3c-0001") => new()
    {
        ["Type"] = "Notification", ["MessageId"] = id, ["TopicArn"] = TopicArn, ["Subject"] = "ALARM: \"api-errors\" in US East (N. Virginia)",
        ["Message"] = message, ["Timestamp"] = "2026-12-01T10:00:00.000Z",
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TopicArn + ":1",
    };

    public static string Alarm(string name, string state, string function = "acme-api") => new JsonObject
    {
        ["AlarmName"] = name, ["AlarmDescription"] = "Errors of the API", ["AWSAccountId"] = "123456789012",
        ["NewStateValue"] = state, ["NewStateReason"] = $"Threshold Crossed: 1 datapoint [3.0] was {(state == "ALARM" ? "greater" : "not greater")} than the threshold (1.0).",
        ["StateChangeTime"] = "2026-12-01T10:00:00.000+0000", ["Region"] = "US East (N. Virginia)",
        ["AlarmArn"] = $"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}", ["OldStateValue"] = state == "ALARM" ? "OK" : "ALARM",
        ["Trigger"] = new JsonObject
        {
            ["MetricName"] = "Errors", ["Namespace"] = "AWS/Lambda", ["Statistic"] = "SUM",
            ["Dimensions"] = new JsonArray(new JsonObject { ["value"] = function, ["name"] = "FunctionName" }),
        },
    }.ToJsonString();
}
