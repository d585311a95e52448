using Bot.Configuration;
using Bot.Targets.Shell;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Configuration;

public class AppCatalogTests
{
    private static readonly string[] Kinds = ["shell", "heroku"];

    private static AppCatalog Load(params (string Key, string Value)[] values) =>
        AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), Kinds);

    [Fact]
    public void Reads_an_app_in_a_few_lines_with_defaults()
    {
        var web = Load(("Apps:web:Target", "shell"), ("Apps:web:Repository", "/srv/web.git")).Find("WEB")!;
        Assert.Equal(("web", "shell", "production"), (web.Name, web.Target, web.DefaultEnv));
        Assert.Equal("/srv/web.git", web.Default.Repository);
        Assert.Empty(web.Default.Deployers);
    }

    [Fact]
    public void Environment_overrides_lay_over_the_apps_keys()
    {
        var web = Load(("Apps:web:Target", "heroku"), ("Apps:web:Heroku:App", "acme-web"), ("Apps:web:Deployers", "slack:U1, slack:U2"),
            ("Apps:web:Environments:production:Heroku:App", "acme-web"), ("Apps:web:Environments:staging:Heroku:App", "acme-web-staging"),
            ("Apps:web:Environments:staging:Deployers:0", "slack:U3")).Find("web")!;
        Assert.Equal(["production", "staging"], web.Environments);
        Assert.Equal("acme-web-staging", web.For("staging").Section["Heroku:App"]);
        Assert.Equal("acme-web", web.For("production").Section["Heroku:App"]);
        Assert.Equal(["slack:U1", "slack:U2"], web.For("production").Deployers);
        Assert.Equal(["slack:U3"], web.For("staging").Deployers);
    }

    [Theory]
    [InlineData("Apps:web:Target", "", "Apps:web:Target: missing; expected one of shell, heroku")]
    [InlineData("Apps:web:Target", "k8s", "Apps:web:Target: 'k8s' is not a target kind; expected one of shell, heroku")]
    [InlineData("Apps:web:Url", "nope", "Apps:web:Url: 'nope' is not an absolute URL")]
    [InlineData("Apps:web:AlertChannels:0", "C0123", "Apps:web:AlertChannels: 'C0123' should be platform:id")]
    [InlineData("Apps:web:DefaultBranch", "my branch", "Apps:web:DefaultBranch: a branch name has no spaces")]
    [InlineData("Apps:web:Environments:0", "prod uction", "Apps:web:Environments:0: environment names use letters")]
    public void A_wrong_key_is_named_in_one_line(string key, string value, string expected)
    {
        var values = new List<(string, string)> { ("Apps:web:Target", "shell") };
        values.RemoveAll(v => v.Item1 == key);
        values.Add((key, value));
        var e = Assert.Throws<ConfigException>(() => Load(values.ToArray()));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("Shell:Deploy", null, "Apps:web:Shell:Deploy: missing")]
    [InlineData("Shell:Port", "http", "Apps:web:Shell:Port: 'http' is not a TCP port number")]
    [InlineData("Shell:HealthTimeout", "soon", "Apps:web:Shell:HealthTimeout: 'soon' is not a duration")]
    [InlineData("Shell:KeepReleases", "1", "Apps:web:Shell:KeepReleases: '1' should be a whole number of at least 2")]
    public void The_shell_target_names_its_own_wrong_keys(string key, string? value, string expected)
    {
        var values = new List<(string, string)> { ("Apps:web:Target", "shell"), ("Apps:web:Repository", "/r"), ("Apps:web:Shell:Deploy", "true") };
        values.RemoveAll(v => v.Item1 == "Apps:web:" + key);
        if (value is not null) values.Add(("Apps:web:" + key, value));
        var app = Load(values.ToArray()).Find("web")!.Default;
        var e = Assert.Throws<ConfigException>(() => ShellSettings.Read(app));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Shell_durations_read_the_usual_forms()
    {
        var app = Load(("Apps:web:Target", "shell"), ("Apps:web:Shell:Deploy", "x"), ("Apps:web:Shell:StepTimeout", "5m"),
            ("Apps:web:Shell:HealthTimeout", "00:00:45"), ("Apps:web:Shell:HealthInterval", "0.5")).Find("web")!.Default;
        var s = ShellSettings.Read(app);
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(0.5)), (s.StepTimeout, s.HealthTimeout, s.HealthInterval));
    }
}
