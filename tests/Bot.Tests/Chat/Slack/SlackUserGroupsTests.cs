using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Commands;
using Bot.Tests.Commands;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Bot.Tests.Commands.PeopleRig;

namespace Bot.Tests.Chat.Slack;

/// <summary><c>slack:@oncall</c> and <c>slack:S…</c> in Deployers, read through the spec-checked fake of Slack, cached, failures remembered.</summary>
public sealed class SlackUserGroupsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeSlackApi _slack;
    private readonly HttpClient _http;

    public SlackUserGroupsTests()
    {
        _slack = new FakeSlackApi(_time);
        _http = new HttpClient(_slack);
        _slack.SetUserGroup("S0ONCALL1", "oncall", CarolSlack);
        _slack.SetUserGroup("S0APITEAM", "api-team", AnaSlack);
    }

    public void Dispose() => _http.Dispose();

    private Task<TestBot> StartAsync() => TestBot.StartAsync(Team(
            ("Apps:web:Environments:production:Deployers:1", "slack:@oncall"),
            ("Apps:api:Target", "fake"), ("Apps:api:Deployers:0", "slack:S0APITEAM")),
        services => services
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton(_slack.Options)
            .AddSingleton(sp => new SlackApi(_http, _slack.Options, _time))
            .AddSingleton<SlackUserGroups>()
            .AddSingleton<IGroupDirectory>(sp => sp.GetRequiredService<SlackUserGroups>()),
        worker: false);

    private int Reads => _slack.CallsTo("usergroups.users.list").Count;

    [Fact]
    public async Task A_member_of_a_user_group_may_deploy_and_the_group_is_read_once_per_lifetime()
    {
        await using var bot = await StartAsync();
        Assert.True((await bot.SendAsync(FromSlack(CarolSlack), "deploy web to production")).Ok);
        Assert.Equal(["S0APITEAM", "S0ONCALL1"], _slack.CallsTo("usergroups.users.list").Select(c => (string)c.Args["usergroup"]!).Order());
        Assert.Single(_slack.CallsTo("usergroups.list"));

        // ana's Slack id is in @api-team, so ana writing from LINE is an api deployer too.
        Assert.True((await bot.SendAsync(FromLine(AnaLine), "deploy api")).Ok);
        var refused = await bot.SendAsync(FromSlack(BoSlack), "deploy api");
        Assert.Equal("Only `Apps:api:Deployers` may deploy api to production; ask one of them: the user group S0APITEAM on Slack. " +
                     "You are bo (`slack:U0BO00001`); an admin can add it to `Apps:api:Deployers`.", refused.Messages[0].Text);
        Assert.Contains("ask one of them: ana, @oncall on Slack.", (await bot.SendAsync(FromSlack(BoSlack), "lock web production")).Messages[0].Text);
        Assert.Equal(2, Reads);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task After_its_lifetime_a_group_is_read_again_in_the_background_while_the_old_members_still_answer()
    {
        await using var bot = await StartAsync();
        Assert.True((await bot.SendAsync(FromSlack(CarolSlack), "lock web production")).Ok);
        _slack.SetUserGroup("S0ONCALL1", "oncall", BoSlack);
        _time.Advance(SlackUserGroups.Lifetime);
        var reading = _slack.Hold("usergroups.users.list");

        // This answer comes from what was read before; the new read happens beside it (held until the answer is in).
        Assert.True((await bot.SendAsync(FromSlack(CarolSlack), "unlock web production")).Ok);
        reading.SetResult();
        await bot.Get<BackgroundWork>().IdleAsync();
        Assert.Equal(4, Reads);
        Assert.True(RefusedForWho(await bot.SendAsync(FromSlack(CarolSlack), "lock web production")));
        Assert.True((await bot.SendAsync(FromSlack(BoSlack), "lock web production")).Ok);
        Assert.Equal(4, Reads);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_read_is_remembered_and_not_tried_on_every_command()
    {
        _slack.FailAlways("usergroups.users.list", SlackFault.Refuse("missing_scope"));
        await using var bot = await StartAsync();
        Assert.True(RefusedForWho(await bot.SendAsync(FromSlack(CarolSlack), "deploy web to production")));
        Assert.Equal(2, Reads);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            Assert.True(RefusedForWho(await bot.SendAsync(FromSlack(CarolSlack), "lock web production")));
        }
        Assert.Equal(2, Reads);

        _time.Advance(SlackUserGroups.FailureMemory);
        await bot.SendAsync(FromSlack(CarolSlack), "status");
        await bot.Get<BackgroundWork>().IdleAsync();
        Assert.Equal(4, Reads);
        Assert.Equal("Slack usergroups.users.list failed: missing_scope", bot.Get<SlackUserGroups>().ErrorOf("@oncall"));
        _slack.AssertNoViolations();
    }

    [Theory]
    [InlineData("@oncall", true)]
    [InlineData("S0123ABC", true)]
    [InlineData("U0123ABC", false)]
    [InlineData("W0123ABC", false)]
    [InlineData("@", false)]
    public void User_groups_are_told_from_people_by_their_id(string id, bool group)
    {
        var groups = new SlackUserGroups(new SlackApi(_http, _slack.Options, _time), _slack.Options, _time,
            new BackgroundWork(Microsoft.Extensions.Logging.Abstractions.NullLogger<BackgroundWork>.Instance),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SlackUserGroups>.Instance);
        Assert.Equal(group, groups.IsGroup(id));
    }
}
