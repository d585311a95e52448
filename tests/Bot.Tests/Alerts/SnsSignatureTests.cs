using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Bot.Alerts;
using Bot.Security;
using Bot.Tests.Support;

namespace Bot.Tests.Alerts;

/// <summary>SNS signatures: the derived vector's canonical string and certificate, versions 1 and 2 with a key made here, and the host rules.</summary>
public sealed class SnsSignatureTests
{
    private readonly SnsSigner _signer = SnsSigner.Shared;

    [Fact]
    public void The_derived_vector_verifies_with_its_certificate_and_its_string_to_sign_is_the_documented_one()
    {
        var vector = Specs.Vector("sns-derived");
        var message = SnsMessage.From(JsonNode.Parse(vector["message"]!.ToJsonString())!.AsObject());
        using var certificate = X509Certificate2.CreateFromPem(vector["certificate_pem"]!.GetValue<string>());

        Assert.Equal(vector["expected_string_to_sign"]!.GetValue<string>(), SnsSignature.StringToSign(message));
        Assert.Equal(SignatureCheck.Valid, SnsSignature.Verify(message, certificate));
        Assert.Equal(SignatureCheck.Mismatch, SnsSignature.Verify(message with { Message = "Hello world?" }, certificate));
        Assert.Equal(SignatureCheck.Mismatch, SnsSignature.Verify(message with { SignatureVersion = "3" }, certificate));
        Assert.Equal(SignatureCheck.Missing, SnsSignature.Verify(message with { Signature = null }, certificate));
        Assert.Equal(SignatureCheck.Mismatch, SnsSignature.Verify(message, _signer.Certificate));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void Both_signature_versions_verify_and_any_changed_field_breaks_them(string version)
    {
        var json = _signer.Sign(SnsSigner.Notification("hello"), version);
        var message = SnsMessage.From(json);

        Assert.Equal(SignatureCheck.Valid, SnsSignature.Verify(message, _signer.Certificate));
        Assert.Equal(SignatureCheck.Mismatch, SnsSignature.Verify(message with { TopicArn = "arn:aws:sns:us-east-1:123456789012:other" }, _signer.Certificate));
        Assert.Equal(SignatureCheck.Mismatch, SnsSignature.Verify(message with { Subject = null }, _signer.Certificate));
        Assert.Equal(SignatureCheck.Mismatch, SnsSignature.Verify(message with { SignatureVersion = version == "1" ? "2" : "1" }, _signer.Certificate));
    }

    [Fact]
    public void A_confirmation_signs_its_SubscribeURL_and_Token()
    {
        var text = SnsSignature.StringToSign(new SnsMessage("SubscriptionConfirmation", "m1", "arn:t", null, "You have chosen…", "2026-12-01T10:00:00Z",
            "2", "x", SnsSigner.CertUrl, "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t0k", "t0k"));

        Assert.Equal("Message\nYou have chosen…\nMessageId\nm1\nSubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t0k\n" +
                     "Timestamp\n2026-12-01T10:00:00Z\nToken\nt0k\nTopicArn\narn:t\nType\nSubscriptionConfirmation\n", text);
        Assert.Null(SnsSignature.StringToSign(new SnsMessage("SubscriptionConfirmation", "m1", "arn:t", null, "m", "t", "2", "x", null, null, null)));
    }

    [Theory]
    [InlineData("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", true)]
    [InlineData("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem", true)]
    [InlineData("http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com.evil.example/x.pem", false)]
    [InlineData("https://evil.example/sns.us-east-1.amazonaws.com/x.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com:8443/x.pem", false)]
    [InlineData("https://user@sns.us-east-1.amazonaws.com/x.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com/x.txt", false)]
    [InlineData("https://s3.amazonaws.com/x.pem", false)]
    public void Certificates_come_only_from_https_SNS_hosts(string url, bool trusted) => Assert.Equal(trusted, SnsSignature.IsCertificateUrl(url));
}
