using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Configuration;

/// <summary>The deploy-on-push keys: read per app or environment, and each mistake stops startup with one line naming the key.</summary>
public class PushSettingsTests
{
    private static readonly string[] Kinds = ["shell", "heroku"];

    private static AppCatalog Load(params (string Key, string? Value)[] values) =>
        AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(
            values.Prepend(("Apps:web:Target", (string?)"shell")).Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2))).Build(), Kinds);

    [Fact]
    public void Reads_a_branch_or_a_polled_branch_the_checks_the_timeout_and_promotion_per_environment()
    {
        var web = Load(("Apps:web:Repository", "https://github.com/acme/web.git"), ("Apps:web:RequireChecks", "build, test"),
            ("Apps:web:Environments:staging:AutoDeploy", "main"),
            ("Apps:web:Environments:production:PromoteFrom", "staging"), ("Apps:web:Environments:production:RequireChecks", "all"),
            ("Apps:web:Environments:production:ChecksTimeout", "1h")).Find("web")!;
        var staging = web.For("staging").Push;
        Assert.Equal(("main", null, false, "acme/web"), (staging.AutoDeploy, staging.Poll, staging.AllChecks, staging.GitHubRepository(web.For("staging").Repository)));
        Assert.Equal(["build", "test"], staging.RequiredChecks);
        Assert.Equal(PushSettings.DefaultChecksTimeout, staging.ChecksTimeout);
        var production = web.For("production").Push;
        Assert.Equal((null, true, "staging", TimeSpan.FromHours(1), true), (production.AutoDeploy, production.AllChecks, production.PromoteFrom, production.ChecksTimeout, production.GatesOnChecks));

        var polled = Load(("Apps:web:Repository", "/srv/git/web.git"), ("Apps:web:AutoDeploy:Branch", "ec2-release"), ("Apps:web:AutoDeploy:Poll", "30s")).Find("web")!.Default.Push;
        Assert.Equal(("ec2-release", TimeSpan.FromSeconds(30), false), (polled.AutoDeploy, polled.Poll, polled.GatesOnChecks));
    }

    [Theory]
    [InlineData("Apps:web:AutoDeploy", "main", null, null, "Apps:web:AutoDeploy: needs Repository")]
    [InlineData("Apps:web:AutoDeploy", "main", "Apps:web:Repository", "/srv/git/web.git", "Apps:web:AutoDeploy: nothing would tell the bot of a push")]
    [InlineData("Apps:web:AutoDeploy:Brnach", "main", "Apps:web:Repository", "/srv/git/web.git", "Apps:web:AutoDeploy:Brnach: unknown key; did you mean Branch?")]
    [InlineData("Apps:web:AutoDeploy:Poll", "30s", "Apps:web:Repository", "/srv/git/web.git", "Apps:web:AutoDeploy:Branch: missing")]
    [InlineData("Apps:web:AutoDeploy", "refs/heads/main", "Apps:web:Repository", "https://github.com/acme/web", "Apps:web:AutoDeploy: 'refs/heads/main' should be a branch name")]
    [InlineData("Apps:web:RequireChecks", "build", "Apps:web:Repository", "/srv/git/web.git", "Apps:web:RequireChecks: checks are read from GitHub")]
    [InlineData("Apps:web:ChecksTimeout", "soon", "Apps:web:GitHub", "acme/web", "Apps:web:ChecksTimeout: 'soon' is not a duration")]
    [InlineData("Apps:web:GitHub", "acme", null, null, "Apps:web:GitHub: 'acme' should be owner/repo")]
    [InlineData("Apps:web:PromoteFrom", "qa", null, null, "Apps:web:PromoteFrom: 'qa' is not another environment of web")]
    [InlineData("Apps:web:AutoDeplyo", "main", null, null, "Apps:web:AutoDeplyo: unknown key; did you mean AutoDeploy?")]
    public void A_mistake_stops_startup_with_one_line_naming_the_key(string key, string value, string? otherKey, string? otherValue, string said)
    {
        var values = new List<(string, string?)> { (key, value) };
        if (otherKey is not null) values.Add((otherKey, otherValue));
        var e = Assert.Throws<ConfigException>(() => Load([.. values]));
        Assert.StartsWith(said, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_poll_too_often_is_refused_with_the_shortest_allowed()
    {
        var e = Assert.Throws<ConfigException>(() => Load(("Apps:web:Repository", "/srv/git/web.git"), ("Apps:web:AutoDeploy:Branch", "main"), ("Apps:web:AutoDeploy:Poll", "1s")));
        Assert.Equal("Apps:web:AutoDeploy:Poll: '1s' is too often; poll every 5s or more", e.Message);
    }
}
