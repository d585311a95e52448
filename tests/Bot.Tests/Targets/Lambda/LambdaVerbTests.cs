using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Targets.Lambda;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Lambda;

/// <summary>The chat verbs on a Lambda app, through the real bot (<see cref="TestBot"/>) and the fake Lambda: promote, rollback by version, help, history.</summary>
public sealed class LambdaVerbTests : IAsyncLifetime
{
    private readonly FakeAws _aws = new();
    private TestBot _bot = null!;

    public async Task InitializeAsync() => _bot = await TestBot.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:api:Target"] = "lambda",
        ["Apps:api:Lambda:Function"] = FakeAws.Function,
        ["Apps:api:Lambda:ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:{sha}",
        ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://aws.test",
        ["AWS_ACCESS_KEY_ID"] = "AKIDTEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret",
    }, services =>
    {
        services.AddHttpClient(AwsClient.ClientName).ConfigurePrimaryHttpMessageHandler(() => _aws);
        services.AddHttpClient(AwsClient.UploadClientName).ConfigurePrimaryHttpMessageHandler(() => _aws);
    });

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task Promote_canary_moves_the_alias_to_the_split_version_and_says_so()
    {
        _aws.Aliases["live"]["RoutingConfig"] = new JsonObject { ["AdditionalVersionWeights"] = new JsonObject { ["2"] = 0.1 } };

        var promoted = await _bot.SendAsync("promote api canary");
        var nothing = await _bot.SendAsync("promote api");

        Assert.True(promoted.Ok, promoted.Messages[0].Text);
        Assert.Equal("Promoted version 2: live sends all traffic to it (version 1 gets none).", promoted.Messages[0].Text);
        Assert.Equal("2", _aws.LiveVersion);
        Assert.False(nothing.Ok);
        Assert.StartsWith("No canary is running for api: live sends all traffic to version 2.", nothing.Messages[0].Text);
        _aws.AssertNoViolations();
    }

    [Fact]
    public async Task Deploy_then_rollback_by_a_bare_version_number_goes_to_that_Lambda_version()
    {
        var deployed = await _bot.DeployAsync("deploy api v1.3");
        var back = await _bot.DeployAsync("rollback api 1");

        Assert.Equal(DeploymentState.Succeeded, deployed.State);
        Assert.Equal("version 2", deployed.Release);
        Assert.Equal(DeploymentState.Succeeded, back.State);
        Assert.Equal("version 1", back.Release);
        Assert.Equal("1", _aws.LiveVersion);
        _aws.AssertNoViolations();
    }

    [Fact]
    public async Task Help_offers_promote_for_a_target_that_can()
    {
        var help = await _bot.SendAsync("help");

        Assert.Contains("promote <app> canary", help.Messages[0].Text);
    }
}
