using System.Security.Cryptography;
using System.Text;
using Bot.Chat.Line;
using Bot.Security;
using Bot.Tests.Support;

namespace Bot.Tests.Chat.Line;

public class LineSignatureTests
{
    public static TheoryData<string> OfficialVectors => new() { "line-python-sdk", "line-nodejs-sdk-validate-signature", "line-nodejs-sdk-middleware" };

    [Theory]
    [MemberData(nameof(OfficialVectors))]
    public void Official_vectors_verify_and_their_negatives_do_not(string id)
    {
        var v = Specs.Vector(id);
        var secret = (string)v["secret"]!;
        var body = Encoding.UTF8.GetBytes((string)v["body"]!);
        Assert.Equal(SignatureCheck.Valid, LineSignature.Verify(secret, body, (string)v["expected"]!));
        Assert.Equal((string)v["expected"]!, LineSignature.Sign(secret, body));
        foreach (var negative in v["negatives"]!.AsArray())
        {
            var signature = (string?)negative!["signature"] ?? (string?)negative["value"];
            // The SDKs' "no X-Line-Signature header" case is missing; every other negative is a signature that does not match.
            Assert.True(LineSignature.Verify(secret, body, signature) == (signature is null ? SignatureCheck.Missing : SignatureCheck.Mismatch), $"{id}: {negative}");
        }
    }

    [Fact]
    public void The_419_byte_emoji_body_is_rebuilt_exactly()
    {
        var v = Specs.Vector("line-nodejs-sdk-middleware");
        var body = Encoding.UTF8.GetBytes((string)v["body"]!);
        Assert.Equal((int)v["body_utf8_length"]!, body.Length);
        Assert.Equal((string)v["body_sha256"]!, Convert.ToHexStringLower(SHA256.HashData(body)));
    }

    [Fact]
    public void Any_changed_byte_fails()
    {
        var v = Specs.Vector("line-nodejs-sdk-middleware");
        var body = Encoding.UTF8.GetBytes((string)v["body"]!);
        for (var i = 0; i < body.Length; i += 13)
        {
            var changed = (byte[])body.Clone();
            changed[i] ^= 0x20;
            Assert.Equal(SignatureCheck.Mismatch, LineSignature.Verify((string)v["secret"]!, changed, (string)v["expected"]!));
        }
    }

    [Theory]
    [InlineData(null, SignatureCheck.Missing)]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("not base64 at all!", SignatureCheck.Mismatch)]
    [InlineData("WqJD7WAIZ6plkQGkj48w=", SignatureCheck.Mismatch)]
    public void Missing_or_malformed_signatures_fail(string? signature, SignatureCheck expected) =>
        Assert.Equal(expected, LineSignature.Verify("test_channel_secret", "{}"u8, signature));
}
