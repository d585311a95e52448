using Bot.Configuration;
using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Bot.Tests.Commands.PeopleRig;

namespace Bot.Tests.Commands;

public sealed class RateLimitTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private Task<TestBot> StartAsync(params (string, string)[] extra) =>
        TestBot.StartAsync(Team(extra), services => services.AddSingleton<TimeProvider>(_time), worker: false);

    [Fact]
    public async Task Twenty_commands_a_minute_pass_the_21st_is_told_when_to_try_again_and_later_ones_pass()
    {
        await using var bot = await StartAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await bot.SendAsync(FromSlack(BoSlack), "apps")).Ok, $"command {i + 1}");
            _time.Advance(TimeSpan.FromSeconds(2));
        }
        // The first went 40 s ago: it leaves the window in 20 s.
        var refused = await bot.SendAsync(FromSlack(BoSlack), "apps");
        Assert.False(refused.Ok);
        Assert.Equal("You've sent 20 commands in the last minute; try again in 20 s.", refused.Messages[0].Text);

        // Someone else is not held back by bo's commands.
        Assert.True((await bot.SendAsync(FromSlack(CarolSlack), "apps")).Ok);

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await bot.SendAsync(FromSlack(BoSlack), "apps")).Ok);

        var log = await bot.Store.AuditLogAsync(null, 5, default);
        var limited = Assert.Single(log, e => e.Outcome == AuditOutcome.Limited);
        Assert.Equal(("bo", "slack:" + BoSlack, "apps"), (limited.Person, limited.Identity, limited.Command));
    }

    [Fact]
    public async Task One_person_is_one_count_on_every_platform()
    {
        await using var bot = await StartAsync(("RateLimit", "3/10s"));
        Assert.True((await bot.SendAsync(FromSlack(AnaSlack), "apps")).Ok);
        Assert.True((await bot.SendAsync(FromLine(AnaLine), "apps")).Ok);
        Assert.True((await bot.SendAsync(FromConsole("ana"), "apps")).Ok);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("You've sent 3 commands in the last 10 seconds; try again in 6 s.", (await bot.SendAsync(FromLine(AnaLine), "apps")).Messages[0].Text);
    }

    [Theory]
    [InlineData("20/min", 20, 60)]
    [InlineData("5/10s", 5, 10)]
    [InlineData("100/h", 100, 3600)]
    [InlineData(" 2 / 1m ", 2, 60)]
    public void The_rate_limit_reads_a_count_per_time(string value, int count, int seconds)
    {
        Assert.Equal(new RateLimit(count, TimeSpan.FromSeconds(seconds)), RateLimit.Parse(value));
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("20")]
    [InlineData("0/min")]
    [InlineData("20/fortnight")]
    public void A_rate_limit_of_another_form_stops_startup_naming_the_key(string value)
    {
        var e = Assert.Throws<ConfigException>(() => RateLimit.Parse(value));
        Assert.StartsWith($"RateLimit: '{value}' should be a count per time, such as 20/min", e.Message);
    }
}
