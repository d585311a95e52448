using System.Text.RegularExpressions;

namespace Bot.Targets.Config;

/// <summary>
/// What a config var may be called and how a typed or pasted value is read: as a shell would (<c>KEY="a b"</c> is
/// <c>a b</c>; a trailing newline is dropped), with a note that says what was taken off, never the value itself.
/// </summary>
public static partial class ConfigKeys
{
    /// <summary>The longest name accepted (Heroku and Lambda allow more; a name this long is a paste gone wrong).</summary>
    public const int MaxName = 128;

    public static bool IsValidName(string name) => name.Length <= MaxName && Name().IsMatch(name);

    /// <summary>Null when <paramref name="name"/> may be set, else why not, in one sentence.</summary>
    public static string? CheckName(string name) =>
        IsValidName(name) ? null
        : name.Length > MaxName ? $"`{name[..20]}…` is too long for a config var name (at most {MaxName} characters)."
        : $"`{Text.Tokens.Clip(name)}` is not a config var name: use letters, digits and `_`, not starting with a digit (like `DATABASE_URL`).";

    /// <summary>
    /// The value as a shell reads <c>KEY=raw</c>: one pair of matching quotes around it removed (<c>"…"</c>, <c>'…'</c>),
    /// trailing newlines and carriage returns dropped. <paramref name="note"/> says what was done, naming only the key.
    /// </summary>
    public static string Clean(string name, string raw, out string? note)
    {
        var notes = new List<string>();
        var value = raw;
        var trimmed = value.TrimEnd('\r', '\n');
        if (trimmed.Length != value.Length)
        {
            notes.Add("a trailing newline");
            value = trimmed;
        }
        if (value.Length >= 2 && (value[0], value[^1]) is ('"', '"') or ('\'', '\'') or ('“', '”') or ('‘', '’'))
        {
            var inner = value[1..^1];
            if (value[0] == '"') inner = Unescape(inner);
            notes.Add("the quotes around it");
            value = inner;
        }
        note = notes.Count == 0 ? null : $"{name}: took off {string.Join(" and ", notes)}, as a shell would.";
        return value;
    }

    /// <summary>What a shell makes of backslashes in double quotes (<c>\"</c>, <c>\\</c>, <c>\$</c>, <c>\`</c>), plus <c>\n</c> as .env files write a newline.</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal)) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] is '"' or '\\' or '$' or '`' or 'n')
            {
                sb.Append(s[++i] == 'n' ? '\n' : s[i]);
                continue;
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
