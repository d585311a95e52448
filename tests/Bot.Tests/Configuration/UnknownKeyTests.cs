using Bot.Configuration;
using Bot.Targets.CloudRun;
using Bot.Targets.Heroku;
using Bot.Targets.Lambda;
using Bot.Targets.Shell;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Configuration;

/// <summary>A key the bot does not read stops startup with one line and its closest spelling, at every level of an app.</summary>
public class UnknownKeyTests
{
    private static readonly string[] Kinds = ["shell", "heroku", "lambda", "cloudrun"];

    private static readonly (string, string)[] Shell =
        [("Apps:web:Target", "shell"), ("Apps:web:Repository", "/r"), ("Apps:web:Shell:Deploy", "true")];

    private static AppCatalog Load(IEnumerable<(string Key, string Value)> values) =>
        AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), Kinds);

    private static void Validate(AppCatalog catalog)
    {
        foreach (var env in catalog.All.SelectMany(a => a.ByEnv.Values))
            _ = env.Target switch
            {
                "shell" => (object)ShellSettings.Read(env),
                "heroku" => HerokuSettings.Read(env),
                "lambda" => LambdaSettings.Read(env),
                _ => CloudRunSettings.Read(env),
            };
    }

    [Theory]
    [InlineData("Apps:web:Channel", "slack:C1", "Apps:web:Channel: unknown key; did you mean Channels?")]
    [InlineData("Apps:web:Deployer:0", "slack:U1", "Apps:web:Deployer: unknown key; did you mean Deployers?")]
    [InlineData("Apps:web:Shel:Health", "true", "Apps:web:Shel: unknown key; did you mean Shell?")]
    [InlineData("Apps:web:Heroku:App", "acme", "Apps:web:Heroku: a section of the heroku target, but this app's Target is shell")]
    [InlineData("Apps:web:Shell:Helth", "curl -f localhost", "Apps:web:Shell:Helth: unknown key; did you mean Health?")]
    [InlineData("Apps:web:Shell:Evn:A", "1", "Apps:web:Shell:Evn: unknown key; did you mean Env?")]
    [InlineData("Apps:web:Environments:staging:Chanels", "slack:C2", "Apps:web:Environments:staging:Chanels: unknown key; did you mean Channels?")]
    [InlineData("Apps:web:Environments:staging:Shell:Helth", "x", "Apps:web:Shell:Helth: unknown key; did you mean Health?")]
    [InlineData("Apps:web:Zebra", "1", "Apps:web:Zebra: unknown key; expected one of Target, Repository,")]
    public void An_unknown_key_under_a_shell_app_is_named_with_its_closest_spelling(string key, string value, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Validate(Load([.. Shell, (key, value)])));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("heroku", "Heroku:App", "acme-web", "Heroku:Ap", "Apps:web:Heroku:Ap: unknown key; did you mean App?")]
    [InlineData("heroku", "Heroku:App", "acme-web", "Heroku:Stack", "Apps:web:Heroku:Stack: unknown key; expected one of App")]
    [InlineData("lambda", "Lambda:Function", "api", "Lambda:Alais", "Apps:web:Lambda:Alais: unknown key; did you mean Alias?")]
    [InlineData("cloudrun", "CloudRun:Project", "acme", "CloudRun:Servce", "Apps:web:CloudRun:Servce: unknown key; did you mean Service?")]
    public void Each_target_knows_the_keys_its_settings_read(string target, string key, string value, string typo, string expected)
    {
        var values = new List<(string, string)> { ("Apps:web:Target", target), ("Apps:web:Repository", "https://example.invalid/web"), ("Apps:web:" + key, value), ("Apps:web:" + typo, "x") };
        if (target == "lambda") values.Add(("Apps:web:Lambda:ImageUri", "img"));
        if (target == "cloudrun") values.AddRange([("Apps:web:CloudRun:Region", "asia-northeast1"), ("Apps:web:CloudRun:Service", "site")]);
        var e = Assert.Throws<ConfigException>(() => Validate(Load(values)));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void A_misspelt_required_key_is_named_rather_than_called_missing()
    {
        var e = Assert.Throws<ConfigException>(() => Validate(Load([("Apps:web:Target", "shell"), ("Apps:web:Repository", "/r"), ("Apps:web:Shell:Deplyo", "sh deploy.sh")])));
        Assert.Equal("Apps:web:Shell:Deplyo: unknown key; did you mean Deploy?", e.Message);
    }

    [Fact]
    public void Every_documented_key_of_the_example_and_the_readme_is_known()
    {
        var catalog = Load([.. Shell, ("Apps:web:Shell:Build", "make"), ("Apps:web:Shell:Health", "true"), ("Apps:web:Shell:Logs", "x"),
            ("Apps:web:Shell:LogFile", "x.log"), ("Apps:web:Shell:Env:A", "1"), ("Apps:web:Shell:Port", "8080"), ("Apps:web:Shell:StepTimeout", "5m"),
            ("Apps:web:Shell:HealthTimeout", "20s"), ("Apps:web:Shell:HealthInterval", "1s"), ("Apps:web:Shell:KeepReleases", "3"), ("Apps:web:Shell:Stop", "sh stop.sh"),
            ("Apps:web:InitRepository", "sh init.sh"), ("Apps:web:Url", "http://127.0.0.1:8080/"), ("Apps:web:DefaultBranch", "main"),
            ("Apps:web:Deployers:0", "u1"), ("Apps:web:Approvers", "u2"), ("Apps:web:Channels", "slack:C1"), ("Apps:web:AlertChannels:0", "slack:C2"),
            ("Apps:web:Environments:staging:Channels", "slack:C3"), ("Apps:web:Environments:staging:Shell:Port", "8081")]);
        Validate(catalog);
        Assert.Equal("sh stop.sh", ShellSettings.Read(catalog.Find("web")!.Default).Stop);
    }

    [Fact]
    public void Environment_variables_are_checked_like_json()
    {
        Environment.SetEnvironmentVariable("UNKNOWNKEYTEST_Apps__web__Target", "shell");
        Environment.SetEnvironmentVariable("UNKNOWNKEYTEST_Apps__web__Shell__Deploy", "true");
        Environment.SetEnvironmentVariable("UNKNOWNKEYTEST_Apps__web__Channel", "slack:C1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables("UNKNOWNKEYTEST_").Build();
            var e = Assert.Throws<ConfigException>(() => AppCatalog.Load(configuration, Kinds));
            Assert.Equal("Apps:web:Channel: unknown key; did you mean Channels?", e.Message);
        }
        finally
        {
            foreach (var key in new[] { "Target", "Shell__Deploy", "Channel" })
                Environment.SetEnvironmentVariable("UNKNOWNKEYTEST_Apps__web__" + key, null);
        }
    }
}
