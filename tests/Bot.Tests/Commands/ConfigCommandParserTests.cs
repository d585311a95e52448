using Bot.Commands;
using Bot.Targets.Config;

namespace Bot.Tests.Commands;

public sealed class ConfigCommandParserTests
{
    [Fact]
    public void Config_lists_names_of_an_app_in_an_environment()
    {
        Assert.Equal(new ConfigCommand("web", null), CommandParser.Parse("config web"));
        Assert.Equal(new ConfigCommand("web", "staging"), CommandParser.Parse("/config web in staging"));
    }

    [Fact]
    public void Pairs_are_read_as_a_shell_reads_them_and_the_notes_name_keys_only()
    {
        var c = Assert.IsType<ConfigSetCommand>(CommandParser.Parse("config set web A=1 GREETING=\"hello there\" B='x y' C=plain in staging"));
        Assert.Equal("staging", c.Env);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["GREETING"] = "hello there", ["B"] = "x y", ["C"] = "plain" }, c.Change.Set);
        Assert.Equal(["GREETING: took off the quotes around it, as a shell would.", "B: took off the quotes around it, as a shell would."], c.Notes);
        Assert.Equal("4 set (A, GREETING, B, C)", c.Change.Summary);
        Assert.DoesNotContain("hello", c.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Smart_quotes_from_a_phone_and_the_other_word_order_are_understood()
    {
        var c = Assert.IsType<ConfigSetCommand>(CommandParser.Parse("config web set MODE=“sale on”"));
        Assert.Equal("sale on", c.Change.Set["MODE"]);
    }

    [Fact]
    public void Unset_takes_names()
    {
        var c = Assert.IsType<ConfigSetCommand>(CommandParser.Parse("config unset web OLD_FLAG OTHER"));
        Assert.Equal(["OLD_FLAG", "OTHER"], c.Change.Unset);
        Assert.Equal("2 unset (OLD_FLAG, OTHER)", c.Change.Summary);
    }

    [Theory]
    [InlineData("config set web 9LIVES=secret-value-1", "`9LIVES` is not a config var name")]
    [InlineData("config set web TOKEN", "`TOKEN` has no value. Type `config set web TOKEN=value`")]
    [InlineData("config unset web TOKEN=secret-value-1", "`config unset` takes names only: type `config unset web TOKEN`.")]
    [InlineData("config set web", "Set what?")]
    [InlineData("config set SHOP=secret-value-1", "Which app?")]
    [InlineData("config web extra", "I read `config web`, then `extra`.")]
    public void Mistakes_are_explained_without_the_value(string typed, string says)
    {
        var e = Assert.IsType<ParseError>(CommandParser.Parse(typed));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_with_a_trailing_newline_loses_it_and_the_answer_says_so()
    {
        Assert.Equal("abc", ConfigKeys.Clean("K", "abc\n", out var note));
        Assert.Equal("K: took off a trailing newline, as a shell would.", note);
        Assert.Equal("a\"b", ConfigKeys.Clean("K", "\"a\\\"b\"", out _));
        Assert.Equal("'", ConfigKeys.Clean("K", "'", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Run_names_a_task_and_never_takes_a_free_form_command()
    {
        Assert.Equal(new RunCommand("web", "migrate", null), CommandParser.Parse("run web migrate"));
        Assert.Equal(new RunCommand("web", "migrate", "staging"), CommandParser.Parse("run web migrate in staging"));
        Assert.Equal(new RunCommand("web", null, null), CommandParser.Parse("run web"));
        var e = Assert.IsType<ParseError>(CommandParser.Parse("run web rm -rf /"));
        Assert.Contains("Only named tasks run from chat", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_env_text_is_read_with_comments_exports_and_quotes_and_written_back_the_same()
    {
        var (entries, problems) = DotEnv.Parse("# comment\nexport A=1\nB=\"two words\" \nC=x # note\n\nD='$lit'\nbad line\n");
        Assert.Equal(["line 7 is not KEY=value"], problems);
        Assert.Equal([("A", "1"), ("B", "two words"), ("C", "x"), ("D", "$lit")], entries.Select(e => (e.Name, e.Value)));
        foreach (var value in new[] { "plain", "two words", "quote\"and\\slash", "multi\nline", "$HOME", "" })
            Assert.Equal(value, DotEnv.Parse(DotEnv.Line("K", value)).Entries.Single().Value);
    }

    [Fact]
    public void Scale_takes_a_bare_count_for_a_target_with_one_process()
    {
        var c = Assert.IsType<ScaleCommand>(CommandParser.Parse("scale web 3 in staging"));
        Assert.Equal((3, "staging"), (c.Quantities[ScaleCommand.Whole], c.Env));
        Assert.Equal(2, Assert.IsType<ScaleCommand>(CommandParser.Parse("scale web web=2")).Quantities["web"]);
    }
}
