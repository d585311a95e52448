using Bot.Deployments;

namespace Bot.Tests.Pushes;

/// <summary><c>promote web staging to production</c>: what changes first, with Confirm; then the same commit, with production's rules.</summary>
public sealed class PromoteCommandTests
{
    private static Dictionary<string, string?> TwoEnvironments() => new()
    {
        ["Apps:web:AutoDeploy"] = null,
        ["Apps:web:Environments:staging:Channels:0"] = "test:C1",
        ["Apps:web:Environments:production:Channels:0"] = "test:C1",
    };

    [Fact]
    public async Task Promote_shows_what_changes_with_Confirm_and_then_deploys_exactly_stagings_commit()
    {
        await using var rig = await PushRig.StartAsync(TwoEnvironments());
        var old = await rig.Bot.DeployAsync("deploy web main to production");
        rig.Repo.Commit("Fix login");
        var staged = rig.Repo.Commit("Add search");
        var inStaging = await rig.Bot.DeployAsync("deploy web main to staging");
        rig.Repo.Commit("not yet in staging");

        var asked = await rig.Bot.SendAsync("promote web staging to production");
        Assert.True(asked.Ok);
        var text = asked.Messages[0].Text;
        Assert.StartsWith($"Promote main@{staged[..7]} (#{inStaging.Number} main@{staged[..7]} \"Add search\") from staging to production? ", text, StringComparison.Ordinal);
        Assert.Contains($"2 commits since production's #{old.Number} (main@{old.ShortSha}): • {staged[..7]} Add search • ", text, StringComparison.Ordinal);
        Assert.Contains("fake builds that commit again.", text, StringComparison.Ordinal);
        Assert.Equal(("Confirm", "promote web staging to production --yes"), (asked.Messages[0].Actions![0].Label, asked.Messages[0].Actions![0].Command));
        Assert.Null(asked.Started);

        var confirmed = await rig.Bot.SendAsync("promote web staging to production --yes");
        Assert.True(confirmed.Ok, confirmed.Messages[0].Text);
        Assert.StartsWith($"Queued promotion #{confirmed.Started!.Number} of web main@{staged[..7]}", confirmed.Messages[0].Text, StringComparison.Ordinal);
        var done = await rig.Bot.WaitFinishedAsync(confirmed.Started.Id);
        Assert.Equal((DeploymentState.Succeeded, DeploymentKind.Promote, "staging", staged), (done.State, done.Kind, done.PromoteFrom, done.Sha));
        Assert.Equal(staged, rig.Bot.Fake.Deploys[^1].Commit!.Sha);
        Assert.Contains(await rig.LinesAsync(done.Id), l => l.StartsWith("fake cannot move a build between environments, so this builds", StringComparison.Ordinal));
        var card = rig.Bot.Chat.Cards.Last(c => c.Card.Deployment.Id == done.Id).Card;
        Assert.Contains($"main@{staged[..7]} from staging", card.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_from_an_environment_where_nothing_serves_says_to_deploy_there_first()
    {
        await using var rig = await PushRig.StartAsync(TwoEnvironments());
        var refused = await rig.Bot.SendAsync("promote web staging to production");
        Assert.False(refused.Ok);
        Assert.StartsWith("Nothing serves web in staging, so there is nothing to promote to production.", refused.Messages[0].Text, StringComparison.Ordinal);
        var same = await rig.Bot.SendAsync("promote web production to production");
        Assert.False(same.Ok);
        var unknown = await rig.Bot.SendAsync("promote web stagin to production");
        Assert.Contains("has no environment `stagin`", unknown.Messages[0].Text, StringComparison.Ordinal);
        var bare = await rig.Bot.SendAsync("promote web");
        Assert.Equal("web runs on the fake target, which can't promote a canary or a preview. To put what runs in one environment onto another, " +
                     "type `promote web staging to production`.", bare.Messages[0].Text);
        var help = (await rig.Bot.SendAsync("help promote")).Messages[0].Text;
        Assert.Contains("• `promote web staging to production`", help, StringComparison.Ordinal);
    }
}
