using Bot.Deployments;
using Bot.Targets.Lambda;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Ecs;

/// <summary>
/// The ECS target under the real engine (store, worker, cards) over the fake, looking every 5 ms of real time:
/// <c>cancel</c> during a rollout puts revision 7 back, and the card and <c>status</c> say so.
/// </summary>
public sealed class EcsEngineTests : IAsyncLifetime
{
    private readonly FakeEcs _ecs = new();
    private TestBot _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "ecs", ["Apps:web:Ecs:Service"] = "web",
            ["Apps:web:Ecs:Image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:{sha}",
            ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://aws.test",
            ["AWS_ACCESS_KEY_ID"] = "AKIDTEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret", ["ECS_POLL_INTERVAL"] = "5",
        }, services => services.AddHttpClient(AwsClient.ClientName).ConfigurePrimaryHttpMessageHandler(() => _ecs));
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task Cancel_during_a_rollout_puts_revision_7_back_and_the_card_and_status_say_so()
    {
        _ecs.Next = Play.Stuck;
        var started = await _bot.SendAsync("deploy web v2");
        Assert.True(started.Ok, string.Join(" / ", started.Messages.Select(m => m.Text)));
        await _ecs.RolloutStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("web:8", _ecs.Primary);

        var cancel = await _bot.SendAsync("cancel web");
        var d = await _bot.WaitFinishedAsync(started.Started!.Id);

        Assert.True(cancel.Ok, string.Join(" / ", cancel.Messages.Select(m => m.Text)));
        Assert.Equal(DeploymentState.Cancelled, d.State);
        Assert.Equal(("web:7", "COMPLETED"), (_ecs.Primary, _ecs.PrimaryRollout));
        Assert.Contains("web:7", d.Message);
        Assert.Contains("is back and healthy", d.Message);
        var card = _bot.Chat.Cards.Last(c => c.Card.Deployment.Id == d.Id).Card;
        Assert.Equal(DeploymentState.Cancelled, card.Deployment.State);
        var status = await _bot.SendAsync("status web");
        var said = string.Join("\n", status.Messages.Select(m => m.Text));
        Assert.Contains("PRIMARY web:7: 2/2 running, 0 pending · rollout COMPLETED", said);
        _ecs.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_after_two_good_deploys_goes_to_the_first_ones_revision_from_the_store()
    {
        var first = await _bot.DeployAsync("deploy web v1");
        var second = await _bot.DeployAsync("deploy web v2");
        Assert.Equal((DeploymentState.Succeeded, "web:8"), (first.State, first.Release));
        Assert.Equal((DeploymentState.Succeeded, "web:9"), (second.State, second.Release));

        var rollback = await _bot.DeployAsync("rollback web");

        Assert.True(rollback.State == DeploymentState.Succeeded, rollback.Message);
        Assert.Equal("web:8", rollback.Release);
        Assert.Equal(("web:8", "COMPLETED"), (_ecs.Primary, _ecs.PrimaryRollout));
        var history = await _bot.SendAsync("history web");
        var listed = string.Join("\n", history.Messages.SelectMany(m => (IEnumerable<string>)[m.Text, .. m.Lines ?? []]));
        Assert.Contains("web:8", listed);
        Assert.Contains("web:9", listed);
        _ecs.AssertNoViolations();
    }
}
