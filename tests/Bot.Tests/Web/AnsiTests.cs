using Bot.Web;

namespace Bot.Tests.Web;

public sealed class AnsiTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("<script>alert(\"x\")</script> & 'y'", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")]
    [InlineData("\u001b[31mred\u001b[0m done", "<span class=\"f1\">red</span> done")]
    [InlineData("\u001b[1;92mbold bright green\u001b[22m still green\u001b[39m", "<span class=\"f10 ab\">bold bright green</span><span class=\"f10\"> still green</span>")]
    [InlineData("\u001b[38;5;196mred 256\u001b[m", "<span class=\"f9\">red 256</span>")]
    [InlineData("\u001b[38;2;0;0;200mblue\u001b[0m", "<span class=\"f12\">blue</span>")]
    [InlineData("\u001b[44;4mon blue\u001b[0m", "<span class=\"g4 au\">on blue</span>")]
    [InlineData("\u001b[2K\u001b[1Gcleared", "cleared")]
    [InlineData("\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007", "link")]
    [InlineData("10%\r50%\r100%\r", "100%")]
    [InlineData("bell\u0007 and nul\u0000", "bell and nul")]
    [InlineData("\u001b[31m<b>\u001b", "<span class=\"f1\">&lt;b&gt;</span>")]
    public void Renders_colours_as_classes_and_escapes_everything_else(string line, string html) =>
        Assert.Equal(html, Ansi.ToHtml(line));

    [Fact]
    public void Strips_escapes_for_the_raw_text() =>
        Assert.Equal("red <b> done", Ansi.Strip("\u001b[31mred\u001b[0m <b> \u001b[1mdone\u001b[0m"));
}
