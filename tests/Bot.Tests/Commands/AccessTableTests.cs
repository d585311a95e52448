using Bot.Deployments;
using Bot.Tests.Support;
using static Bot.Tests.Commands.PeopleRig;

namespace Bot.Tests.Commands;

/// <summary>Who may do what, per role and environment, whichever platform the same person writes from.</summary>
public sealed class AccessTableTests
{
    public static TheoryData<string, string, bool> Table() => new()
    {
        // ana deploys production from each of her identities; bo and carol (@ops) only see it; dan neither.
        { "slack:ana", "deploy web to production", true },
        { "line:ana", "deploy web to production", true },
        { "console:ana", "deploy web to production", true },
        { "slack:bo", "deploy web to production", false },
        { "slack:carol", "deploy web to production", false },
        { "slack:dan", "deploy web to production", false },
        { "console:mallory", "deploy web to production", false },
        // Anyone deploys staging (no Deployers there).
        { "slack:dan", "deploy web to staging", true },
        { "line:ana", "deploy web to staging", true },
        // Viewing production: @ops (a person's name and a Slack id in Groups) and the deployer.
        { "slack:bo", "history web in production", true },
        { "slack:carol", "logs web in production", true },
        { "line:ana", "status web production", true },
        { "slack:dan", "status web production", false },
        { "line:stranger", "history web in production", false },
        { "slack:dan", "history web in staging", true },
        // Locks are a deployer's.
        { "console:ana", "lock web production testing", true },
        { "slack:bo", "lock web production", false },
        { "slack:dan", "lock web staging", true },
        // Freezing and the audit log are the admins' (ana), from any of her identities.
        { "line:ana", "freeze", true },
        { "slack:ana", "audit", true },
        { "slack:bo", "freeze", false },
        { "slack:carol", "audit web", false },
        { "console:mallory", "audit", false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Who_may_do_what(string who, string text, bool allowed)
    {
        await using var bot = await TestBot.StartAsync(Team(), worker: false);
        var result = await bot.SendAsync(Sender(who), text);
        Assert.True(allowed != RefusedForWho(result), $"{who}: {text} → {result.Messages[0].Text}");
    }

    [Fact]
    public async Task Without_a_console_identity_in_the_config_the_console_stays_trusted()
    {
        var config = Team();
        config.Remove("People:ana:2");
        await using var bot = await TestBot.StartAsync(config, worker: false);
        Assert.True((await bot.SendAsync(FromConsole("mallory"), "deploy web to production")).Ok);
        Assert.True(RefusedForWho(await bot.SendAsync(FromSlack("U0DAN0001"), "deploy web to production")));
    }

    [Fact]
    public async Task A_refusal_names_the_key_to_change_and_who_can_help()
    {
        await using var bot = await TestBot.StartAsync(Team(), worker: false);
        var deploy = await bot.SendAsync(FromSlack(BoSlack, "Bo"), "deploy web to production");
        Assert.Equal("Only `Apps:web:Environments:production:Deployers` may deploy web to production; ask one of them: ana. " +
                     "You are bo (`slack:U0BO00001`); an admin can add it to `Apps:web:Environments:production:Deployers`.", deploy.Messages[0].Text);
        var look = await bot.SendAsync(FromLine("U4stranger"), "history web in production");
        Assert.Equal("Only `Apps:web:Environments:production:Viewers` (and its deployers) may see the history of web in production; ask one of them: bo, " +
                     $"slack:{CarolSlack}. Your id is `line:U4stranger`; an admin can add it to `Apps:web:Environments:production:Viewers`.", look.Messages[0].Text);
        var freeze = await bot.SendAsync(FromSlack(CarolSlack), "freeze");
        Assert.StartsWith("Only `Admins` may freeze deploys; ask one of them: ana.", freeze.Messages[0].Text);
    }

    [Fact]
    public async Task Refused_commands_are_audited_with_the_person_identity_and_outcome()
    {
        await using var bot = await TestBot.StartAsync(Team(), worker: false);
        await bot.SendAsync(FromSlack(BoSlack, "Bo"), "deploy web to production");
        await bot.SendAsync(FromLine(AnaLine, "Ana L"), "deploy web to staging");
        var log = await bot.Store.AuditLogAsync("web", 10, default);
        Assert.Equal(2, log.Count);
        var (ana, bo) = (log[0], log[1]);
        Assert.Equal(("ana", "line:" + AnaLine, "line", "C0LINEGROUP", "staging", AuditOutcome.Ok), (ana.Person, ana.Identity, ana.Platform, ana.Conversation, ana.Env, ana.Outcome));
        Assert.Equal(("bo", "slack:" + BoSlack, "production", AuditOutcome.Refused, "deploy web to production"), (bo.Person, bo.Identity, bo.Env, bo.Outcome, bo.Command));
        Assert.StartsWith("refused: Only `Apps:web:Environments:production:Deployers`", bo.Result);
    }

    [Fact]
    public async Task The_audit_in_chat_keeps_each_command_to_one_row_however_long_its_answer_was()
    {
        await using var bot = await TestBot.StartAsync(Team(), worker: false);
        await bot.SendAsync(FromSlack(BoSlack, "Bo"), "deploy web to production");
        await bot.SendAsync(FromSlack(AnaSlack, "Ana"), "status web production");
        var audit = await bot.SendAsync(FromLine(AnaLine, "Ana L"), "audit web");
        var rows = audit.Messages[0].Lines!;
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain('\n', r));
        // Newest first: ana's status (its answer has several lines), then bo's refusal (one long line).
        Assert.Matches(@"^\d\d:\d\d UTC ana \(slack:U0ANA0001\): status web production → ok: [^\n]+…$", rows[0]);
        Assert.Matches(@"^\d\d:\d\d UTC bo \(slack:U0BO00001\): deploy web to production → refused: Only `Apps:web:Environments:production:Deployers` may .+…$", rows[1]);
        Assert.True(rows[1].Length < 160, rows[1]);
    }

    private static Origin Sender(string who)
    {
        var (platform, name) = (who[..who.IndexOf(':')], who[(who.IndexOf(':') + 1)..]);
        var id = (platform, name) switch
        {
            ("slack", "ana") => AnaSlack,
            ("line", "ana") => AnaLine,
            ("slack", "bo") => BoSlack,
            ("slack", "carol") => CarolSlack,
            (_, var other) => "U0" + other.ToUpperInvariant(),
        };
        return platform switch
        {
            "slack" => FromSlack(id, name),
            "line" => FromLine(id, name),
            _ => FromConsole(name),
        };
    }
}
