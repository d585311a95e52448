using System.Text;
using Bot.Chat.Slack;
using Bot.Security;
using Bot.Tests.Support;

namespace Bot.Tests.Chat.Slack;

public class SlackSignatureTests
{
    private static readonly System.Text.Json.Nodes.JsonObject V = Specs.Vector("slack-docs-slash-command");
    private static readonly string Secret = (string)V["secret"]!;
    private static readonly string Timestamp = (string)V["timestamp"]!;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes((string)V["body"]!);
    private static readonly string Expected = (string)V["expected"]!;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds((long)V["now_for_valid"]!);

    [Fact]
    public void The_official_vector_verifies() => Assert.Equal(SignatureCheck.Valid, SlackSignature.Verify(Secret, Timestamp, Body, Expected, Now));

    [Fact]
    public void Signing_gives_the_official_value() => Assert.Equal(Expected, SlackSignature.Sign(Secret, Timestamp, Body));

    [Fact]
    public void The_official_negative_fails_and_so_does_any_changed_byte()
    {
        var appended = Encoding.UTF8.GetBytes((string)V["negatives"]![0]!["body"]!);
        Assert.Equal(SignatureCheck.Mismatch, SlackSignature.Verify(Secret, Timestamp, appended, Expected, Now));
        for (var i = 0; i < Body.Length; i += 37)
        {
            var changed = (byte[])Body.Clone();
            changed[i] ^= 0x01;
            Assert.Equal(SignatureCheck.Mismatch, SlackSignature.Verify(Secret, Timestamp, changed, Expected, Now));
        }
    }

    [Theory]
    [InlineData(-301, SignatureCheck.Stale)]
    [InlineData(301, SignatureCheck.Stale)]
    [InlineData(-300, SignatureCheck.Valid)]
    [InlineData(299, SignatureCheck.Valid)]
    public void Only_timestamps_within_five_minutes_pass(int offsetSeconds, SignatureCheck expected) =>
        Assert.Equal(expected, SlackSignature.Verify(Secret, Timestamp, Body, Expected, Now.AddSeconds(-offsetSeconds)));

    [Fact]
    public void The_real_clock_rejects_the_old_vector() =>
        Assert.Equal(SignatureCheck.Stale, SlackSignature.Verify(Secret, Timestamp, Body, Expected, DateTimeOffset.UtcNow));

    [Theory]
    [InlineData(null, "v0=abc")]
    [InlineData("1531420618", null)]
    [InlineData("", "")]
    public void Missing_headers_are_missing(string? timestamp, string? signature) =>
        Assert.Equal(SignatureCheck.Missing, SlackSignature.Verify(Secret, timestamp, Body, signature, Now));

    [Theory]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57")]
    [InlineData("v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    public void Malformed_signatures_do_not_match(string signature) =>
        Assert.Equal(SignatureCheck.Mismatch, SlackSignature.Verify(Secret, Timestamp, Body, signature, Now));

    [Fact]
    public void A_different_secret_does_not_match() =>
        Assert.Equal(SignatureCheck.Mismatch, SlackSignature.Verify("another-secret", Timestamp, Body, Expected, Now));
}
