using Bot.Configuration;
using Bot.Deployments.Notify;
using Bot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Deployments.Notify;

/// <summary><c>Notify</c> is read at startup: a wrong key, address or a missing secret stops it with one line naming the key.</summary>
public class NotifyOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("Notify:Webhook", "https://hooks.example.com/x", "Notify:Webhook: unknown key; did you mean Webhooks?")]
    [InlineData("Notify:Webhooks", "http://hooks.example.com/x", "Notify:Webhooks: expected https addresses (http only on this machine), not `http://hooks.example.com/x`")]
    [InlineData("Notify:Webhooks", "hooks.example.com", "Notify:Webhooks: expected https addresses (http only on this machine), not `hooks.example.com`")]
    public void A_wrong_key_or_address_stops_startup_naming_the_key(string key, string value, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => NotifyOptions.From(Config((key, value), ("Notify:Secret", "s3cret-value")), postgres: false));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Webhooks_without_a_secret_stop_startup_since_every_event_is_signed()
    {
        var e = Assert.Throws<ConfigException>(() => NotifyOptions.From(Config(("Notify:Webhooks:0", "https://hooks.example.com/x")), postgres: false));
        Assert.Equal("Notify:Secret: missing; events to Notify:Webhooks are signed with it (set Notify__Secret)", e.Message);
    }

    [Fact]
    public void A_list_or_one_comma_separated_value_http_on_loopback_and_the_public_url_as_source()
    {
        var o = NotifyOptions.From(Config(("Notify:Webhooks", "https://a.example.com/hook, http://127.0.0.1:9000/x"), ("Notify:Secret", "s3cret-value"),
            ("BOT_PUBLIC_URL", "https://bot.example.com/")), postgres: true);
        Assert.Equal(["https://a.example.com/hook", "http://127.0.0.1:9000/x"], o.Webhooks.Select(u => u.ToString()));
        Assert.Equal(("https://bot.example.com", "s3cret-value", true), (o.Source, o.Secret, o.Settle > TimeSpan.Zero));
        var none = NotifyOptions.From(Config(), postgres: false);
        Assert.Equal((false, "deploybot", TimeSpan.Zero), (none.Enabled, none.Source, none.Settle));
    }

    [Fact]
    public void The_bot_reads_it_as_it_starts()
    {
        var config = Config(("Notify:Secrte", "x"), ("DATA_DIR", Path.GetTempPath()));
        var e = Assert.Throws<ConfigException>(() => new ServiceCollection().AddBotCore(config));
        Assert.Equal("Notify:Secrte: unknown key; did you mean Secret?", e.Message);
    }
}
