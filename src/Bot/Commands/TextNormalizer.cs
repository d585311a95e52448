using System.Text;

namespace Bot.Commands;

/// <summary>
/// Turns what phones and input methods produce into plain ASCII command text: full-width letters,
/// digits, spaces and slashes from Japanese input; smart quotes; dashes that keyboards made of
/// <c>--</c> where a flag starts; backticks around a copied hint; non-breaking and zero-width spaces.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        text = text.Trim();
        // A hint copied with its backticks (`logs web`, or a ```block```) is the command inside them.
        while (text.Length >= 2 && text[0] == '`' && text[^1] == '`') text = text[1..^1].Trim();
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                // Full-width ASCII from Japanese input (ｄｅｐｌｏｙ, ／, ＃４２) sits 0xFEE0 above the plain forms.
                // (Done by hand: the binary runs with invariant globalization, where Normalize() leaves it alone.)
                case >= '\uFF01' and <= '\uFF5E':
                    sb.Append(c == '\uFF40' ? '\'' : (char)(c - 0xFEE0));
                    break;
                case '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '`':
                    sb.Append('\'');
                    break;
                case '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u300C' or '\u300D':
                    sb.Append('"');
                    break;
                // A keyboard's dash is read as -- only where a flag starts (—force); elsewhere (a lock reason) it is itself.
                case '\u2014' or '\u2013' or '\u2015' or '\u2212' when IsFlagStart(text, i):
                    sb.Append("--");
                    break;
                case '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF':
                    break;
                case '\u3001' or '\uFF64':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(char.IsWhiteSpace(c) ? ' ' : c);
                    break;
            }
        }
        return sb.ToString().Trim();
    }

    private static bool IsFlagStart(string text, int i) =>
        (i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] == '\u3000') && i + 1 < text.Length && char.IsAsciiLetter(text[i + 1]);
}
