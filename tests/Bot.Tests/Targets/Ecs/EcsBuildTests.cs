using Bot.Deployments;
using Bot.Targets.Lambda;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Ecs;

/// <summary><c>Ecs:Build</c> under the engine: it runs in a checkout with <c>IMAGE</c> set, its output is on the card, and that image is deployed.</summary>
public sealed class EcsBuildTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("ecs-build");
    private readonly FakeEcs _ecs = new();
    private GitRepo _repo = null!;
    private TestBot _bot = null!;

    public async Task InitializeAsync()
    {
        _repo = new GitRepo(_dir["repo"]);
        _repo.Commit("Add the app", ("Dockerfile", "FROM scratch\n"), ("build.sh", "echo \"pushing $IMAGE\"\ntest -f Dockerfile\n"));
        _bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "ecs", ["Apps:web:Repository"] = _repo.Path, ["Apps:web:Ecs:Service"] = "web", ["Apps:web:Ecs:Build"] = "sh build.sh",
            ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://aws.test",
            ["AWS_ACCESS_KEY_ID"] = "AKIDTEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret", ["ECS_POLL_INTERVAL"] = "5",
        }, services => services.AddHttpClient(AwsClient.ClientName).ConfigurePrimaryHttpMessageHandler(() => _ecs));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_build_pushes_the_containers_repository_tagged_with_the_sha_and_that_image_is_deployed()
    {
        var sha = _repo.Head();

        var d = await _bot.DeployAsync("deploy web main");

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        var image = $"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:{sha}";
        var lines = (await _bot.Store.EventsAsync(d.Id, 0, 1000, CancellationToken.None)).Select(e => e.Text).ToList();
        Assert.Contains($"pushing {image}", lines);
        Assert.Contains("build", lines);
        Assert.Equal(image, (string)_ecs.LastRegistered!["containerDefinitions"]![0]!["image"]!);
        Assert.Equal("web:8", d.Release);
        _ecs.AssertNoViolations();
    }
}
