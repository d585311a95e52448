using Bot.Configuration;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Security;

public sealed class LinkTokenTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly string Web42 = LinkToken.Deployment("web", 42);

    [Fact]
    public void A_token_is_good_until_its_expiry_and_expired_from_then_on()
    {
        var token = LinkToken.Sign(Key, Web42, Now.AddDays(7));
        Assert.Equal(LinkCheck.Valid, LinkToken.Verify(Key, Web42, token, Now));
        Assert.Equal(LinkCheck.Valid, LinkToken.Verify(Key, Web42, token, Now.AddDays(7).AddSeconds(-1)));
        Assert.Equal(LinkCheck.Expired, LinkToken.Verify(Key, Web42, token, Now.AddDays(7)));
    }

    [Fact]
    public void A_changed_signature_or_expiry_another_deployment_or_another_key_is_wrong()
    {
        var token = LinkToken.Sign(Key, Web42, Now.AddDays(7));
        var (expiry, mac) = (token.Split('.')[0], token.Split('.')[1]);
        Assert.Equal(LinkCheck.WrongSignature, LinkToken.Verify(Key, Web42, $"{expiry}.{(mac[0] == 'A' ? 'B' : 'A')}{mac[1..]}", Now));
        Assert.Equal(LinkCheck.WrongSignature, LinkToken.Verify(Key, Web42, $"{long.Parse(expiry) + 3600}.{mac}", Now));
        Assert.Equal(LinkCheck.WrongSignature, LinkToken.Verify(Key, LinkToken.Deployment("web", 43), token, Now));
        Assert.Equal(LinkCheck.WrongSignature, LinkToken.Verify(Key, LinkToken.Deployment("api", 42), token, Now));
        Assert.Equal(LinkCheck.WrongSignature, LinkToken.Verify(Key, LinkToken.Alert(42), token, Now));
        Assert.Equal(LinkCheck.WrongSignature, LinkToken.Verify(new byte[32], Web42, token, Now));
        // The app's case does not make another link.
        Assert.Equal(LinkCheck.Valid, LinkToken.Verify(Key, LinkToken.Deployment("WEB", 42), token, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData(".AAAA")]
    [InlineData("-1.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("1799999999.")]
    [InlineData("1799999999.not base64!")]
    [InlineData("1799999999.AAAA")]
    [InlineData("99999999999999999999999.AAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_that_is_not_a_token_is_malformed(string? token) =>
        Assert.Equal(LinkCheck.Malformed, LinkToken.Verify(Key, Web42, token, Now));

    private static LogLinkOptions Options(params (string Key, string? Value)[] values) =>
        LogLinkOptions.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), Path.GetTempPath());

    [Fact]
    public void The_key_is_LOG_LINK_SECRET_else_derived_from_the_other_secrets_else_kept_in_the_data_folder()
    {
        var given = Options(("LOG_LINK_SECRET", "a-long-enough-secret-value"), ("SLACK_SIGNING_SECRET", "s1"));
        Assert.Equal(LinkKey.Variable, given.Key.Source);
        var derived = Options(("SLACK_SIGNING_SECRET", "s1"), ("LINE_CHANNEL_SECRET", "l1"));
        Assert.Equal("derived from SLACK_SIGNING_SECRET, LINE_CHANNEL_SECRET", derived.Key.Source);
        Assert.Equal(derived.Key.Bytes, Options(("LINE_CHANNEL_SECRET", "l1"), ("SLACK_SIGNING_SECRET", "s1")).Key.Bytes);
        Assert.NotEqual(derived.Key.Bytes, Options(("SLACK_SIGNING_SECRET", "s2"), ("LINE_CHANNEL_SECRET", "l1")).Key.Bytes);
        Assert.NotEqual(derived.Key.Bytes, given.Key.Bytes);

        using var dir = new TempDir("linkkey");
        var first = LinkKey.From(new ConfigurationBuilder().Build(), dir.Path);
        Assert.EndsWith("log-link.key", first.Source);
        Assert.Equal(32, first.Bytes.Length);
        Assert.Equal(first.Bytes, LinkKey.From(new ConfigurationBuilder().Build(), dir.Path).Bytes);
    }

    [Theory]
    [InlineData("LOG_LINK_SECRET", "short", "LOG_LINK_SECRET")]
    [InlineData("LogLinks:Lifetime", "forever", "LogLinks:Lifetime")]
    [InlineData("LogLinks:Lifetime", "400d", "LogLinks:Lifetime")]
    [InlineData("LogLinks:Lifetime", "10s", "LogLinks:Lifetime")]
    [InlineData("LogLinks:Lifetme", "7d", "LogLinks:Lifetme")]
    [InlineData("BOT_PUBLIC_URL", "bot.example.com", "BOT_PUBLIC_URL")]
    [InlineData("BOT_PUBLIC_URL", "ftp://bot.example.com", "BOT_PUBLIC_URL")]
    public void A_wrong_setting_stops_startup_naming_its_key(string key, string value, string named)
    {
        var e = Assert.Throws<ConfigException>(() => Options((key, value)));
        Assert.Equal(named, e.Key);
        if (key == "LogLinks:Lifetme") Assert.Contains("did you mean Lifetime?", e.Message);
    }

    [Fact]
    public void The_lifetime_defaults_to_seven_days_and_reads_durations()
    {
        Assert.Equal(TimeSpan.FromDays(7), Options().Lifetime);
        Assert.Equal(TimeSpan.FromHours(12), Options(("LogLinks:Lifetime", "12h")).Lifetime);
        Assert.Equal(TimeSpan.FromDays(2), Options(("LogLinks:Lifetime", "2.00:00:00")).Lifetime);
        Assert.Null(Options().PublicUrl);
        Assert.Equal("https://bot.example.com/base", Options(("BOT_PUBLIC_URL", "https://bot.example.com/base/")).PublicUrl);
    }
}
