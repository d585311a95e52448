using Bot.Http;
using System.Text.Json.Nodes;

namespace Bot.Alerts;

/// <summary>The fields of an SNS HTTP/S message that are signed or read.</summary>
public sealed record SnsMessage(
    string? Type, string? MessageId, string? TopicArn, string? Subject, string? Message, string? Timestamp,
    string? SignatureVersion, string? Signature, string? SigningCertUrl, string? SubscribeUrl, string? Token)
{
    public static SnsMessage From(JsonObject json) => new(
        json.StringAt("Type"), json.StringAt("MessageId"), json.StringAt("TopicArn"), json.StringAt("Subject"), json.StringAt("Message"),
        json.StringAt("Timestamp"), json.StringAt("SignatureVersion"), json.StringAt("Signature"), json.StringAt("SigningCertURL"),
        json.StringAt("SubscribeURL"), json.StringAt("Token"));
}
