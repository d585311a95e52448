using Bot.Commands;
using Bot.Text;

namespace Bot.Tests.Commands;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("／ｄｅｐｌｏｙ　ｗｅｂ　ｍａｉｎ", "/deploy web main")]
    [InlineData("deploy web —force", "deploy web --force")]
    [InlineData("deploy web –force", "deploy web --force")]
    [InlineData("lock web migrations — back at 5", "lock web migrations — back at 5")]
    [InlineData("lock web db—work", "lock web db—work")]
    [InlineData("`logs example`", "logs example")]
    [InlineData("```status web```", "status web")]
    [InlineData("lock web “db work”", "lock web \"db work\"")]
    [InlineData("lock web ‘db work’", "lock web 'db work'")]
    [InlineData("deploy\u00A0web\u200Bmain", "deploy webmain")]
    [InlineData("ＤＥＰＬＯＹ ｗｅｂ １２３", "DEPLOY web 123")]
    [InlineData("deploy、web", "deploy web")]
    public void Reads_what_phones_type_as_plain_text(string typed, string plain) =>
        Assert.Equal(plain, TextNormalizer.Normalize(typed));
}

public class SuggestTests
{
    [Theory]
    [InlineData("dpeloy", "deploy")]
    [InlineData("deplyo", "deploy")]
    [InlineData("rollbak", "rollback")]
    [InlineData("statu", "status")]
    [InlineData("stat", "stats")]
    [InlineData("hist", "history")]
    public void Finds_the_closest_verb(string typed, string expected) =>
        Assert.Equal(expected, Suggest.Best(typed, Verbs.Names));

    [Fact]
    public void Offers_nothing_when_nothing_is_close() =>
        Assert.Null(Suggest.Best("kubernetes", ["web", "api", "example"]));

    [Fact]
    public void Lists_close_names_closest_first()
    {
        Assert.Equal(["main"], Suggest.Closest("mian", ["develop", "maint", "main", "feature/login"]));
        Assert.Equal(["api", "app"], Suggest.Closest("apx", ["web", "app", "api"]));
        Assert.Equal(["feature/login"], Suggest.Closest("featur/login", ["main", "feature/login"]));
    }

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("abc", "acb", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_edits_and_swaps(string a, string b, int distance) =>
        Assert.Equal(distance, Suggest.Distance(a, b));
}
