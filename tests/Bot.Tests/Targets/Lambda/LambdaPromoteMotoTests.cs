using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.Lambda;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// Promoting between two functions on <c>moto_server</c> (staging is <c>acme-api-staging</c>, production <c>acme-api</c>),
/// both container images: production gets the staging version's image by digest, published as its own version. moto
/// cannot serve a zip's <c>Code.Location</c> (it names an amazonaws.com host it does not answer), so zips are not run here.
/// </summary>
public sealed class LambdaPromoteMotoTests : IAsyncLifetime
{
    private const string Staging = "acme-api-staging";
    private const string Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api";
    private MotoServer _moto = null!;

    public async Task InitializeAsync()
    {
        _moto = await MotoServer.StartAsync();
        await _moto.SendAsync("iam", HttpMethod.Post, "", "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument=%7B%7D",
            "application/x-www-form-urlencoded; charset=utf-8");
        await CreateImageFunctionAsync(Staging, "staging", $"{Image}:3f2a1c9");
        await CreateImageFunctionAsync(MotoLambda.Function, "live", $"{Image}:0ld0ld0");
    }

    public async Task DisposeAsync() => await _moto.DisposeAsync();

    private async Task CreateImageFunctionAsync(string name, string alias, string image)
    {
        await _moto.SendAsync("lambda", HttpMethod.Post, "2015-03-31/functions", new JsonObject
        {
            ["FunctionName"] = name, ["PackageType"] = "Image", ["Publish"] = true, ["Description"] = "#3 main@3f2a1c9; live was 1",
            ["Role"] = "arn:aws:iam::123456789012:role/lambda-role", ["Code"] = new JsonObject { ["ImageUri"] = image },
        }.ToJsonString());
        await _moto.SendAsync("lambda", HttpMethod.Post, $"2015-03-31/functions/{name}/aliases",
            new JsonObject { ["Name"] = alias, ["FunctionVersion"] = "1" }.ToJsonString());
    }

    private static IReadOnlyDictionary<string, AppEnvConfig> Envs() =>
        AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Apps:api:Target"] = "lambda",
            ["Apps:api:Lambda:ImageUri"] = $"{Image}:{{sha}}",
            ["Apps:api:Environments:staging:Lambda:Function"] = Staging,
            ["Apps:api:Environments:staging:Lambda:Alias"] = "staging",
            ["Apps:api:Environments:production:Lambda:Function"] = MotoLambda.Function,
            ["Apps:api:Environments:production:Lambda:Alias"] = "live",
        }).Build(), ["lambda"]).Find("api")!.ByEnv;

    [Fact]
    public async Task Promote_to_another_function_publishes_the_staging_image_by_digest_and_moves_live_to_it()
    {
        var aws = MotoLambda.Client(_moto);
        var target = new LambdaTarget(new LambdaApi(aws), new CloudWatchApi(aws), aws,
            new BotOptions(Path.GetTempPath(), new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System);
        var envs = Envs();
        var staged = (await _moto.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{Staging}?Qualifier=1"))!;

        var artifact = (await target.LiveArtifactAsync(envs["staging"], default))!;
        var events = new List<DeployEvent>();
        await foreach (var e in target.PromoteAsync(new PromoteRequest(envs["staging"], envs["production"], 4, artifact, "alice"), default)) events.Add(e);

        Assert.Equal(new PromotableRelease("1", "version 1", "3f2a1c9"), artifact);
        var live = await MotoLambda.AliasAsync(_moto);
        Assert.Equal("2", (string)live["FunctionVersion"]!);
        var promoted = (await _moto.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{MotoLambda.Function}?Qualifier=2"))!;
        var byDigest = (string)staged["Code"]!["ResolvedImageUri"]!;
        Assert.StartsWith($"{Image}@sha256:", byDigest);
        Assert.Equal(byDigest, (string)promoted["Code"]!["ImageUri"]!);
        Assert.Equal("#4 3f2a1c9 from staging version 1 by alice; live was 1", (string)promoted["Configuration"]!["Description"]!);
        var goingLive = events.FindIndex(e => e is GoingLive { Previous: "version 1" });
        Assert.True(goingLive > events.FindIndex(e => e is Notice n && n.Text.StartsWith("Published version 2", StringComparison.Ordinal)));
        Assert.Equal(new Released("version 2", null), events[^1]);
    }
}
