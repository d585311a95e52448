using System.Text;
using System.Text.Json.Nodes;
using Bot.Security;
using Bot.Sources.GitHub;
using Bot.Tests.Support;

namespace Bot.Tests.Sources.GitHub;

/// <summary><c>X-Hub-Signature-256</c>, proven by the vector in GitHub's own documentation.</summary>
public sealed class GitHubSignatureTests
{
    private static readonly JsonObject Vector = Specs.Vector("github-docs-webhook-signature");
    private static readonly string Secret = Vector["secret"]!.GetValue<string>();
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(Vector["body"]!.GetValue<string>());
    private static readonly string Expected = Vector["expected"]!.GetValue<string>();

    [Fact]
    public void The_official_vector_signs_and_verifies()
    {
        Assert.Equal("It's a Secret to Everybody", Secret);
        Assert.Equal(Expected, GitHubSignature.Sign(Secret, Body));
        Assert.Equal(SignatureCheck.Valid, GitHubSignature.Verify(Secret, Body, Expected));
    }

    [Fact]
    public void One_flipped_byte_of_the_body_or_the_signature_fails()
    {
        var body = (byte[])Body.Clone();
        body[3] ^= 0x01;
        var signature = Expected[..^1] + (Expected[^1] == '0' ? '1' : '0');

        Assert.Equal(SignatureCheck.Mismatch, GitHubSignature.Verify(Secret, body, Expected));
        Assert.Equal(SignatureCheck.Mismatch, GitHubSignature.Verify(Secret, Body, signature));
        Assert.Equal(SignatureCheck.Mismatch, GitHubSignature.Verify("It's a Secret to Everybody!", Body, Expected));
    }

    [Theory]
    [InlineData(null, SignatureCheck.Missing)]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d", SignatureCheck.Mismatch)]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", SignatureCheck.Mismatch)]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", SignatureCheck.Mismatch)]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e", SignatureCheck.Mismatch)]
    public void A_missing_or_malformed_header_is_told_apart(string? header, SignatureCheck expected) =>
        Assert.Equal(expected, GitHubSignature.Verify(Secret, Body, header));

    [Fact]
    public void Upper_case_hex_is_the_same_signature() =>
        Assert.Equal(SignatureCheck.Valid, GitHubSignature.Verify(Secret, Body, "sha256=" + Expected["sha256=".Length..].ToUpperInvariant()));
}
