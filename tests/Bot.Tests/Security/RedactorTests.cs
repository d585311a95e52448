using Bot.Security;

namespace Bot.Tests.Security;

public class RedactorTests
{
    [Theory]
    [InlineData("token is xoxb-123456789012-abcdefABCDEF", "token is [redacted]")]
    [InlineData("app token xapp-1-A0123-456-abcdef", "app token [redacted]")]
    [InlineData("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig", "Authorization: Bearer [redacted]")]
    [InlineData("postgres://bot:hunter2secret@db.example:5432/bot", "postgres://bot:[redacted]@db.example:5432/bot")]
    [InlineData("nothing secret here", "nothing secret here")]
    public void Removes_token_shapes(string text, string expected) => Assert.Equal(expected, new Redactor([]).Redact(text));

    [Theory]
    [InlineData("config set web SHOP_MODE=sale", "config set web SHOP_MODE=[redacted]")]
    [InlineData("config set web A=1 B_2=two api_key=xyz", "config set web A=[redacted] B_2=[redacted] api_key=[redacted]")]
    [InlineData("config set web DATABASE_URL=\"postgres://u:p@h/db\" x", "config set web DATABASE_URL=[redacted] x")]
    [InlineData("config set web GREETING='hello there' x", "config set web GREETING=[redacted] x")]
    [InlineData("confg set web MSG=“hi you”", "confg set web MSG=[redacted]")]
    [InlineData("deploy web main", "deploy web main")]
    [InlineData("logs web 20 grep a == b", "logs web 20 grep a == b")]
    public void A_command_keeps_the_names_of_its_pairs_and_loses_their_values(string text, string expected) =>
        Assert.Equal(expected, new Redactor([]).RedactCommand(text));

    [Fact]
    public void Removes_known_secret_values_longest_first()
    {
        var r = new Redactor(["abcdef123456", "abcdef123456-extended"]);
        Assert.Equal("a [redacted] and [redacted]", r.Redact("a abcdef123456-extended and abcdef123456"));
    }

    [Fact]
    public void Short_values_are_not_treated_as_secrets() => Assert.Equal("yes no", new Redactor(["yes"]).Redact("yes no"));

    [Theory]
    [InlineData("SLACK_BOT_TOKEN", true)]
    [InlineData("LINE_CHANNEL_SECRET", true)]
    [InlineData("HEROKU_API_KEY", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("PATH", false)]
    [InlineData("PORT", false)]
    public void Knows_secret_variable_names(string name, bool secret) => Assert.Equal(secret, Redactor.IsSecretName(name));
}
