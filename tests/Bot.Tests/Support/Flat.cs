using System.Text.RegularExpressions;

namespace Bot.Tests.Support;

public static partial class Flat
{
    /// <summary>Console output with its line wrapping undone (every run of whitespace becomes one space).</summary>
    public static string Text(string s) => Spaces().Replace(s, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
