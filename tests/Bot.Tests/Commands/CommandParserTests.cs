using Bot.Commands;

namespace Bot.Tests.Commands;

public class CommandParserTests
{
    public static TheoryData<string, Command> Valid => new()
    {
        { "deploy web", new DeployCommand("web", null, null) },
        { "deploy web main", new DeployCommand("web", "main", null) },
        { "deploy web main to staging", new DeployCommand("web", "main", "staging") },
        { "deploy web to staging", new DeployCommand("web", null, "staging") },
        { "deploy web/feature/login", new DeployCommand("web", "feature/login", null) },
        { "deploy web 3f2a1c9 in staging", new DeployCommand("web", "3f2a1c9", "staging") },
        { "deploy! web main", new DeployCommand("web", "main", null, SkipChecks: true) },
        { "deploy web main --force", new DeployCommand("web", "main", null, SkipChecks: true) },
        { "Deploy web Main", new DeployCommand("web", "Main", null) },
        { "/deploy web main", new DeployCommand("web", "main", null) },
        { "/ops deploy web main", new DeployCommand("web", "main", null) },
        { "ops deploy web", new DeployCommand("web", null, null) },
        { "<@U0BOT> deploy web main", new DeployCommand("web", "main", null) },
        { "<@U0BOT|deploybot>: deploy web", new DeployCommand("web", null, null) },
        { "@deploybot deploy web v1.2.0", new DeployCommand("web", "v1.2.0", null) },
        { "／ｄｅｐｌｏｙ　ｗｅｂ　ｍａｉｎ", new DeployCommand("web", "main", null) },
        { "deploy　web　main　to　staging", new DeployCommand("web", "main", "staging") },
        { "deploy web main —force", new DeployCommand("web", "main", null, SkipChecks: true) },
        { "deploy web “main”", new DeployCommand("web", "main", null) },
        { "  deploy   web   main  ", new DeployCommand("web", "main", null) },
        { "ship web", new DeployCommand("web", null, null) },
        { "rollback web", new RollbackCommand("web", null, null) },
        { "rollback web #41", new RollbackCommand("web", "#41", null) },
        { "rollback web v122 in staging", new RollbackCommand("web", "v122", "staging") },
        { "rollback web to staging", new RollbackCommand("web", null, "staging") },
        { "cancel web", new CancelCommand("web", null) },
        { "cancel #42", new CancelCommand(null, 42) },
        { "cancel web #42", new CancelCommand("web", 42) },
        { "cancel web#42", new CancelCommand("web", 42) },
        { "status", new StatusCommand(null, null) },
        { "status web", new StatusCommand("web", null) },
        { "status web staging", new StatusCommand("web", "staging") },
        { "history web", new HistoryCommand("web", 10, null) },
        { "history web 25", new HistoryCommand("web", 25, null) },
        { "history web 5000", new HistoryCommand("web", 100, null) },
        { "apps", new AppsCommand() },
        { "help", new HelpCommand(null) },
        { "help deploy", new HelpCommand("deploy") },
        { "?", new HelpCommand(null) },
        { "unlock web", new UnlockCommand("web", null) },
        { "unlock web staging", new UnlockCommand("web", "staging") },
        { "lock web", new LockCommand("web", null, null) },
        { "lock web staging testing migrations", new LockCommand("web", "staging", "testing migrations") },
        { "restart web web.1", new RestartCommand("web", "web.1", null) },
        { "maintenance web on", new MaintenanceCommand("web", true, null) },
        { "maintenance web off in staging", new MaintenanceCommand("web", false, "staging") },
        { "promote web staging to production", new PromoteCommand("web", "staging", "production") },
        { "freeze release week", new FreezeCommand("release week") },
        { "unfreeze", new UnfreezeCommand() },
        { "approve #42", new ApproveCommand(null, 42, true) },
        { "reject web #42", new ApproveCommand("web", 42, false) },
        { "reject #42 not during the sale", new ApproveCommand(null, 42, false, "not during the sale") },
        { "／approve　web　＃42", new ApproveCommand("web", 42, true) },
        { "alerts", new AlertsCommand(null) },
        { "mute web 30m", new MuteCommand("web", TimeSpan.FromMinutes(30), true) },
        { "mute web", new MuteCommand("web", TimeSpan.FromHours(1), true) },
        { "unmute web", new MuteCommand("web", null, false) },
        { "audit", new AuditCommand(null, 20) },
        { "audit web 5", new AuditCommand("web", 5) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses(string text, Command expected) => Assert.Equal(expected, CommandParser.Parse(text));

    [Fact]
    public void Logs_take_count_since_and_grep()
    {
        var c = Assert.IsType<LogsCommand>(CommandParser.Parse("logs web 200 since 15m grep connection refused"));
        Assert.Equal(("web", 200, TimeSpan.FromMinutes(15), "connection refused"), (c.AppName, c.Lines, c.Since, c.Grep));
    }

    [Fact]
    public void Logs_have_defaults_and_a_cap()
    {
        var plain = Assert.IsType<LogsCommand>(CommandParser.Parse("logs web"));
        Assert.Equal((CommandParser.DefaultLogLines, (TimeSpan?)null, (string?)null), (plain.Lines, plain.Since, plain.Grep));
        Assert.Equal(CommandParser.MaxLogLines, Assert.IsType<LogsCommand>(CommandParser.Parse("logs web 99999")).Lines);
    }

    [Fact]
    public void Logs_accept_dyno_source_and_environment()
    {
        var c = Assert.IsType<LogsCommand>(CommandParser.Parse("logs web 20 dyno web.1 source app in staging"));
        Assert.Equal("web.1", c.Options["dyno"]);
        Assert.Equal("app", c.Options["source"]);
        Assert.Equal("staging", c.Env);
    }

    [Fact]
    public void Scale_reads_process_counts_and_size()
    {
        var c = Assert.IsType<ScaleCommand>(CommandParser.Parse("scale web web=2 worker=1 standard-2x"));
        Assert.Equal(2, c.Quantities["web"]);
        Assert.Equal(1, c.Quantities["worker"]);
        Assert.Equal("standard-2x", c.Size);
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "dpeloy web main", "Did you mean `deploy`?" },
        { "delpoy web", "Did you mean `deploy`?" },
        { "rolback web", "Did you mean `rollback`?" },
        { "stauts", "Did you mean `status` or `stats`?" },
        { "hsitory web", "Did you mean `history`?" },
        { "xyzzy", "Type `help`" },
        { "deploy", "Which app?" },
        { "deploy web main staging", "`deploy web main to staging`" },
        { "deploy web main to", "needs an environment" },
        { "history", "Which app?" },
        { "logs web since forever", "`since` takes a duration" },
        { "logs web grep", "`grep` takes the text" },
        { "scale web", "`scale web web=2 worker=1`" },
        { "scale web web=-1", "not a process count" },
        { "maintenance web maybe", "Say `on` or `off`" },
        { "promote web staging", "Name both environments" },
        { "approve", "Which deployment?" },
        { "reject web", "Type `reject #42 [reason]`" },
        { "approve #42 now", "I don't understand `now`" },
        { "cancel", "Which deployment?" },
        { "status web staging extra", "I don't understand `extra`" },
        { "status! web", "Only `deploy!` takes a `!`" },
        { "", "Type a command" },
        { "<@U0BOT>", "Type a command" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistakes_get_a_useful_answer(string text, string expected)
    {
        var error = Assert.IsType<ParseError>(CommandParser.Parse(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_long_unknown_word_is_clipped_in_the_answer()
    {
        var error = Assert.IsType<ParseError>(CommandParser.Parse(new string('x', 500)));
        Assert.True(error.Message.Length < 150, error.Message);
    }

    [Fact]
    public void Backticks_in_input_cannot_break_the_answer_out_of_code_formatting()
    {
        var error = Assert.IsType<ParseError>(CommandParser.Parse("dep`loy web"));
        Assert.DoesNotContain("dep`loy", error.Message);
    }
}
