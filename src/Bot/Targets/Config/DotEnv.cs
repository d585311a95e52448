using System.Text;

namespace Bot.Targets.Config;

/// <summary>
/// Reads and writes <c>.env</c> text: <c>KEY=value</c> lines, <c>export KEY=value</c>, <c># comments</c> and blank lines;
/// a value in double quotes may hold <c>\n</c>, <c>\"</c> and <c>\\</c>. What the bot writes (the shell target's env file)
/// it can read back exactly, and docker compose's <c>env_file</c> and systemd's <c>EnvironmentFile</c> read it too.
/// </summary>
public static class DotEnv
{
    public sealed record Entry(string Name, string Value, string? Note);

    /// <summary>The entries of <paramref name="text"/>, and one line per line that is not an assignment (named by number).</summary>
    public static (List<Entry> Entries, List<string> Problems) Parse(string text)
    {
        var entries = new List<Entry>();
        var problems = new List<string>();
        var number = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                problems.Add($"line {number} is not KEY=value");
                continue;
            }
            var name = line[..eq].Trim();
            if (ConfigKeys.CheckName(name) is { } bad)
            {
                problems.Add($"line {number}: {bad}");
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            // An unquoted value ends at a comment (`KEY=value # note`), as compose and shells read it.
            if (value.Length > 0 && value[0] is not ('"' or '\'') && value.IndexOf(" #", StringComparison.Ordinal) is var hash and >= 0)
                value = value[..hash].TrimEnd();
            entries.Add(new Entry(name, ConfigKeys.Clean(name, value, out var note), note));
        }
        return (entries, problems);
    }

    /// <summary>One <c>KEY=value</c> line, quoted only where a plain value would not read back the same.</summary>
    public static string Line(string name, string value)
    {
        var plain = value.Length > 0 && value.All(c => c > ' ' && c is not ('"' or '\'' or '\\' or '#' or '$' or '`'));
        if (plain || value.Length == 0) return $"{name}={value}";
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
            sb.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "", '$' => "\\$", '`' => "\\`", _ => c.ToString() });
        return $"{name}={sb.Append('"')}";
    }
}
