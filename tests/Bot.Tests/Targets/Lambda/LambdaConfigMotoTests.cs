using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Targets.Lambda;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// Config vars and a task on <c>moto_server</c>, which keeps each version's environment as Lambda does: the function
/// starts at version 1 (two variables) and version 2 (one of them changed), with <c>live</c> on version 2. Every request the bot sends is
/// checked against botocore's model on its way (<see cref="ModelCheckedHandler"/>).
/// </summary>
public sealed class LambdaConfigMotoTests(LambdaConfigMotoTests.Moto fixture) : IClassFixture<LambdaConfigMotoTests.Moto>, IDisposable
{
    private static readonly ConfigFingerprints Fingerprints = new("test-fingerprint-key"u8.ToArray());
    private const string Values = "alpha-1 beta-1 beta-2 beta-3 gamma-1";
    private readonly ModelCheckedHandler _checker = new();

    /// <summary>One moto for the class (a role made once); each test makes its own function.</summary>
    public sealed class Moto : IAsyncLifetime
    {
        public MotoServer Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await MotoServer.StartAsync();
            await Server.NoDockerAsync();
            await Server.SendAsync("iam", HttpMethod.Post, "", "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument=%7B%7D",
                "application/x-www-form-urlencoded; charset=utf-8");
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private MotoServer Server => fixture.Server;

    public void Dispose() => _checker.Dispose();

    /// <summary>A function with version 1 (API_URL, BETA_FLAG) and version 2 (BETA_FLAG changed), <c>live</c> on 2.</summary>
    private async Task<(LambdaTarget Target, AppEnvConfig App, string Function)> FunctionAsync()
    {
        var function = $"cfg-{Guid.NewGuid():N}"[..20];
        await Server.SendAsync("lambda", HttpMethod.Post, "2015-03-31/functions", new JsonObject
        {
            ["FunctionName"] = function, ["Runtime"] = "python3.12", ["Handler"] = "index.handler", ["Publish"] = true,
            ["Role"] = "arn:aws:iam::123456789012:role/lambda-role",
            ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(MotoLambda.Zip("def handler(event, context):\n    return event\n")) },
            ["Environment"] = new JsonObject { ["Variables"] = new JsonObject { ["API_URL"] = "alpha-1", ["BETA_FLAG"] = "beta-1" } },
        }.ToJsonString());
        await Server.SendAsync("lambda", HttpMethod.Put, $"2015-03-31/functions/{function}/configuration",
            new JsonObject { ["Environment"] = new JsonObject { ["Variables"] = new JsonObject { ["API_URL"] = "alpha-1", ["BETA_FLAG"] = "beta-2" } } }.ToJsonString());
        await Server.SendAsync("lambda", HttpMethod.Post, $"2015-03-31/functions/{function}/versions", "{}");
        await Server.SendAsync("lambda", HttpMethod.Post, $"2015-03-31/functions/{function}/aliases",
            new JsonObject { ["Name"] = "live", ["FunctionVersion"] = "2" }.ToJsonString());

        var app = AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Apps:api:Target"] = "lambda",
            ["Apps:api:Lambda:Function"] = function,
            ["Apps:api:Lambda:ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:{sha}",
            ["Apps:api:Tasks:reindex:Payload:job"] = "reindex",
            ["Apps:api:Tasks:reindex:Payload:batch"] = "500",
        }).Build(), ["lambda"]).Find("api")!.Default;
        var aws = MotoLambda.Client(Server, _checker);
        var target = new LambdaTarget(new LambdaApi(aws), new CloudWatchApi(aws), aws,
            new BotOptions(Path.GetTempPath(), new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System);
        target.Validate(app);
        return (target, app, function);
    }

    private async Task<JsonObject> VariablesAtAsync(string function, string qualifier) =>
        (JsonObject)(await Server.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{function}/configuration?Qualifier={qualifier}"))!["Environment"]!["Variables"]!;

    private static async Task<List<DeployEvent>> AllAsync(IAsyncEnumerable<DeployEvent> events)
    {
        var all = new List<DeployEvent>();
        await foreach (var e in events) all.Add(e);
        return all;
    }

    private static void AssertNoValues(IEnumerable<string> texts)
    {
        foreach (var text in texts)
            foreach (var value in Values.Split(' '))
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listing_gives_names_fingerprints_and_the_version_each_value_was_set_in_never_a_value()
    {
        var (target, app, function) = await FunctionAsync();

        var listing = await target.ReadConfigAsync(app, Fingerprints, default);

        Assert.Equal($"Lambda environment of {function}:live", listing.Note);
        Assert.Equal(["API_URL", "BETA_FLAG"], listing.Vars.Select(v => v.Name));
        Assert.Equal([Fingerprints.Of("API_URL", "alpha-1"), Fingerprints.Of("BETA_FLAG", "beta-2")], listing.Vars.Select(v => v.Fingerprint));
        Assert.Equal(["version 1", "version 2"], listing.Vars.Select(v => v.ChangedIn));
        Assert.All(listing.Vars, v => Assert.NotNull(v.ChangedAt));
        AssertNoValues(listing.Vars.Select(v => v.ToString()));
        Assert.Equal(["GetFunctionConfiguration", "ListVersionsByFunction"], _checker.Calls);
        _checker.AssertNoViolations();
    }

    [Fact]
    public async Task A_change_publishes_a_version_with_the_merged_variables_and_moves_live_to_it()
    {
        var (target, app, function) = await FunctionAsync();
        var change = new ConfigChange(new Dictionary<string, string> { ["BETA_FLAG"] = "beta-3", ["CACHE_TTL"] = "gamma-1" }, ["API_URL"]);

        var events = await AllAsync(target.ChangeConfigAsync(new ConfigChangeRequest(app, 7, change, "alice"), default));

        Assert.Equal("3", (string)(await Server.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{function}/aliases/live"))!["FunctionVersion"]!);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["BETA_FLAG"] = "beta-3", ["CACHE_TTL"] = "gamma-1" }, await VariablesAtAsync(function, "live")));
        var version = (await Server.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{function}/configuration?Qualifier=3"))!;
        Assert.Equal("#7 config 2 set (BETA_FLAG, CACHE_TTL), 1 unset (API_URL) by alice; live was 2", (string)version["Description"]!);
        Assert.Equal("python3.12", (string)version["Runtime"]!);
        var goingLive = events.FindIndex(e => e is GoingLive { Previous: "version 2" });
        Assert.True(goingLive > events.FindIndex(e => e is Notice n && n.Text.StartsWith("Published version 3", StringComparison.Ordinal)));
        Assert.Equal(new Released("version 3", null), events[^1]);
        Assert.Contains(events, e => e is StepFinished { Step: "environment" });
        AssertNoValues(LambdaTargetRig.Texts(events));
        Assert.Equal(["GetAlias", "GetFunctionConfiguration", "GetFunctionConfiguration", "UpdateFunctionConfiguration", "PublishVersion", "UpdateAlias"], _checker.Calls);
        _checker.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_after_a_change_moves_live_back_to_the_version_with_the_old_variables()
    {
        var (target, app, function) = await FunctionAsync();
        var change = new ConfigChange(new Dictionary<string, string> { ["BETA_FLAG"] = "beta-3" }, []);
        await AllAsync(target.ChangeConfigAsync(new ConfigChangeRequest(app, 7, change, "alice"), default));
        Assert.Equal("beta-3", (string)(await VariablesAtAsync(function, "live"))["BETA_FLAG"]!);

        var events = await AllAsync(target.RollbackAsync(new RollbackRequest(app, 8, null, null, null), default));

        Assert.Equal(new Released("version 2", null), events[^1]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["API_URL"] = "alpha-1", ["BETA_FLAG"] = "beta-2" }, await VariablesAtAsync(function, "live")));
        var listing = await target.ReadConfigAsync(app, Fingerprints, default);
        Assert.Equal(Fingerprints.Of("BETA_FLAG", "beta-2"), listing.Vars.Single(v => v.Name == "BETA_FLAG").Fingerprint);
        _checker.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_invokes_the_function_at_live_with_its_payload()
    {
        var (target, app, _) = await FunctionAsync();

        var events = await AllAsync(target.RunTaskAsync(new TaskRequest(app, 9, app.Tasks["reindex"], null, "alice"), default));

        // Without Docker moto answers with the event it was given, so the answer shows what the function received.
        var answer = Assert.Single(events.OfType<OutputLine>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["batch"] = 500, ["job"] = "reindex" }, JsonNode.Parse(answer.Text)));
        Assert.StartsWith("reindex returned after", Assert.IsType<Notice>(events[^1]).Text);
        Assert.Equal(["Invoke"], _checker.Calls);
        _checker.AssertNoViolations();
    }
}
