using Bot.Security;
using Bot.Targets.Config;

namespace Bot.Tests.Targets;

public sealed class ConfigSealTests
{
    private static readonly ConfigChange Change = new(new Dictionary<string, string> { ["A"] = "one two", ["PEM"] = "line1\nline2 ü" }, ["OLD"]);

    [Fact]
    public void Sealed_values_open_only_under_the_same_key_and_the_sealed_text_does_not_hold_them()
    {
        var seal = new ConfigSeal(LinkKey.Of(new byte[32]));
        var text = seal.Seal(Change);
        Assert.DoesNotContain("one two", text, StringComparison.Ordinal);
        Assert.NotEqual(text, seal.Seal(Change));

        var opened = seal.Open(text)!;
        Assert.Equal(Change.Set, opened.Set);
        Assert.Equal(Change.Unset, opened.Unset);
        Assert.Null(new ConfigSeal(LinkKey.Of(Enumerable.Repeat((byte)1, 32).ToArray())).Open(text));
        Assert.Null(seal.Open(text[..^4] + (text[^4] == 'A' ? "B" : "A") + text[^3..]));
        Assert.Null(seal.Open("not sealed"));
    }

    [Fact]
    public void Fingerprints_match_for_equal_values_and_differ_by_key_and_value()
    {
        var prints = new ConfigSeal(LinkKey.Of(new byte[32])).Fingerprints;
        var other = new ConfigSeal(LinkKey.Of(Enumerable.Repeat((byte)7, 32).ToArray())).Fingerprints;
        Assert.Matches("^[0-9a-f]{7}$", prints.Of("A", "true"));
        Assert.Equal(prints.Of("A", "true"), prints.Of("A", "true"));
        Assert.NotEqual(prints.Of("A", "true"), prints.Of("A", "false"));
        Assert.NotEqual(prints.Of("A", "true"), other.Of("A", "true"));
    }
}
