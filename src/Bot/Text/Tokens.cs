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

    /// <summary>A word typed by someone, shortened so an error message stays readable.</summary>
    /// <summary><paramref name="s"/> cut to at most <paramref name="max"/> characters, the last one an ellipsis when cut.</summary>
    public static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    public static string Clip(string word) => word.Length <= 40 ? word.Replace("`", "'") : word[..40].Replace("`", "'") + "…";
}
