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
