using System.Globalization;
using System.Text;

namespace Bot.Text;

/// <summary>How typed command text is split into words.</summary>
public static class Tokens
{
    /// <summary>Splits on spaces; "double" or 'single' quotes keep words together.</summary>
    public static List<string> Split(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inToken = false;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null;
                else current.Append(c);
            }
            else if (c is '"' or '\'' && (!inToken || current.Length == 0))
            {
                quote = c;
                inToken = true;
            }
            else if (c == ' ')
            {
                if (inToken) tokens.Add(current.ToString());
                current.Clear();
                inToken = false;
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }
        if (inToken) tokens.Add(current.ToString());
        return tokens.Where(t => t.Length > 0).ToList();
    }

    /// <summary><paramref name="s"/> cut to at most <paramref name="max"/> characters, the last one an ellipsis when cut.</summary>
    public static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>
    /// A word typed by someone, shortened so an error message stays readable. A <c>KEY=value</c> word is said back as
    /// <c>KEY=…</c>: a value typed in the wrong place is not repeated in the conversation.
    /// </summary>
    public static string Clip(string word)
    {
        var eq = word.IndexOf('=');
        if (eq > 0 && (char.IsAsciiLetter(word[0]) || word[0] == '_') && word[..eq].All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            word = word[..(eq + 1)] + "…";
        return word.Length <= 40 ? word.Replace("`", "'") : word[..40].Replace("`", "'") + "…";
    }
}
