using System.Text;

namespace Bot.Web;

/// <summary>
/// A line of terminal output as the page shows it: every character HTML-escaped, SGR colours and weights as
/// <c>&lt;span class&gt;</c>s (classes only, so the page's CSP needs no inline styles), every other escape sequence
/// and control character dropped, and of a line redrawn with <c>\r</c> (a progress bar) only what a terminal ends with.
/// </summary>
public static class Ansi
{
    private const char Esc = '\u001b';

    public static string ToHtml(string line)
    {
        var sb = new StringBuilder(line.Length + 16);
        AppendHtml(sb, line);
        return sb.ToString();
    }

    public static void AppendHtml(StringBuilder sb, string line)
    {
        var style = new Sgr();
        string? open = null;
        var text = Visible(line);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == Esc)
            {
                i = Sequence(text, i, ref style);
                continue;
            }
            if (char.IsControl(c) && c != '\t') continue;
            var classes = style.Classes();
            if (classes != open)
            {
                if (open is not null) sb.Append("</span>");
                if (classes is not null) sb.Append("<span class=\"").Append(classes).Append("\">");
                open = classes;
            }
            Escape(sb, c);
        }
        if (open is not null) sb.Append("</span>");
    }

    /// <summary>The plain text of a line (the raw download, the filter, the search for the first error).</summary>
    public static string Strip(string line)
    {
        var sb = new StringBuilder(line.Length);
        var style = new Sgr();
        var text = Visible(line);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == Esc) i = Sequence(text, i, ref style);
            else if (!char.IsControl(text[i]) || text[i] == '\t') sb.Append(text[i]);
        }
        return sb.ToString();
    }

    public static void Escape(StringBuilder sb, string text)
    {
        foreach (var c in text) Escape(sb, c);
    }

    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        Escape(sb, text);
        return sb.ToString();
    }

    private static void Escape(StringBuilder sb, char c)
    {
        switch (c)
        {
            case '<': sb.Append("&lt;"); break;
            case '>': sb.Append("&gt;"); break;
            case '&': sb.Append("&amp;"); break;
            case '"': sb.Append("&quot;"); break;
            case '\'': sb.Append("&#39;"); break;
            case '\n' or '\r': sb.Append(' '); break;
            default: sb.Append(c); break;
        }
    }

    /// <summary>What is left after the last carriage return that has text after it.</summary>
    private static string Visible(string line)
    {
        var trimmed = line.TrimEnd('\r', '\n');
        var cr = trimmed.LastIndexOf('\r');
        return cr < 0 ? trimmed : trimmed[(cr + 1)..];
    }

    /// <summary>Reads the escape sequence at <paramref name="start"/>; returns the index of its last character.</summary>
    private static int Sequence(string s, int start, ref Sgr style)
    {
        if (start + 1 >= s.Length) return start;
        var kind = s[start + 1];
        if (kind == '[')
        {
            var end = start + 2;
            while (end < s.Length && s[end] is >= '0' and <= '?') end++;
            while (end < s.Length && s[end] is >= ' ' and <= '/') end++;
            if (end >= s.Length) return s.Length - 1;
            if (s[end] == 'm') style.Apply(s.AsSpan(start + 2, end - start - 2));
            return end;
        }
        if (kind == ']')
        {
            // An operating system command (a title, a hyperlink): up to BEL or ESC \.
            for (var i = start + 2; i < s.Length; i++)
            {
                if (s[i] == '\a') return i;
                if (s[i] == Esc && i + 1 < s.Length && s[i + 1] == '\\') return i + 1;
            }
            return s.Length - 1;
        }
        return start + 1;
    }
}
