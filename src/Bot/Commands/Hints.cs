using System.Text.RegularExpressions;

namespace Bot.Commands;

/// <summary>
/// Next-step hints in replies and cards are <c>`code`</c> spans holding a command as a conversation types it
/// (<c>`logs web`</c>). Where a bare command is not run — a Slack channel runs only slash commands — the span is given
/// the slash command in front, so what is shown can be typed where it is shown. A span is a hint when its first word is
/// a verb of <see cref="Verbs"/>, the same records the parser reads, so the two cannot drift.
/// </summary>
public static partial class Hints
{
    /// <summary>The Slack slash command that takes a whole command line (<c>/ops deploy web</c>).</summary>
    public const string SlackCommand = "/ops";

    public static string WithSlash(string text, string slash = SlackCommand) =>
        text.Contains('`') ? Span().Replace(text, m => IsCommand(m.Groups[1].Value) ? $"`{slash} {m.Groups[1].Value}`" : m.Value) : text;

    /// <summary>A command line as typed into a slash command: <c>logs web</c> → <c>/ops logs web</c>.</summary>
    public static string Slash(string command, string slash = SlackCommand) => $"{slash} {command}";

    private static bool IsCommand(string span)
    {
        var word = span.Split(' ', 2)[0].TrimEnd('!');
        return word.Length > 0 && Verbs.Find(word) is { } verb && word.Equals(verb.Name, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("`([^`\n]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex Span();
}
