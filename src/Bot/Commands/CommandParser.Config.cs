using System.Text;
using Bot.Targets.Config;
using Bot.Text;

namespace Bot.Commands;

public static partial class CommandParser
{
    /// <summary>
    /// <c>config web [in env]</c>, <c>config set web KEY=value … [in env]</c>, <c>config unset web KEY … [in env]</c> (or
    /// <c>config web set …</c>). Values are read from the line as a shell would split it, so <c>KEY="a b"</c> is one pair;
    /// no error message repeats a value.
    /// </summary>
    private static Command ParseConfig(Args args, string line)
    {
        var words = ShellWords(line).Skip(1).ToList();
        if (words.Count > 0 && words[0].Equals("file", StringComparison.OrdinalIgnoreCase))
        {
            if (words.Count > 1 && words[1] == "--discard") return new ConfigFileCommand("", null, Discard: true);
            args.Remaining.RemoveAt(0);
            var fileApp = args.App();
            var fileEnv = args.TakeEnv("in", "to");
            args.Done();
            return new ConfigFileCommand(fileApp, fileEnv);
        }
        string? action = null;
        if (words.Count > 0 && IsAction(words[0])) { action = words[0].ToLowerInvariant(); words.RemoveAt(0); }
        if (words.Count == 0 || IsAction(words[0]) || words[0].Equals("in", StringComparison.OrdinalIgnoreCase) || words[0].Contains('=', StringComparison.Ordinal))
            throw new UsageException("Which app? Type `config <app>` to list its config vars, or `config set <app> KEY=value` in a direct message.", ParseErrorKind.MissingApp);
        var app = words[0];
        words.RemoveAt(0);
        if (action is null && words.Count > 0 && IsAction(words[0])) { action = words[0].ToLowerInvariant(); words.RemoveAt(0); }
        string? env = null;
        var inAt = words.FindIndex(w => w.Equals("in", StringComparison.OrdinalIgnoreCase));
        if (inAt >= 0)
        {
            if (inAt + 1 >= words.Count) throw new UsageException("`in` needs an environment after it, e.g. `in staging`.");
            env = words[inAt + 1];
            words.RemoveRange(inAt, 2);
        }
        args.Remaining.Clear();
        if (action is null)
        {
            if (words.Count > 0)
                throw new UsageException($"I read `config {app}`, then `{Tokens.Clip(words[0])}`. To change a value type `config set {app} KEY=value` in a direct message to me.");
            return new ConfigCommand(app, env);
        }
        if (words.Count == 0)
            throw new UsageException(action == "set"
                ? $"Set what? Type `config set {app} KEY=value [KEY2=value2 …]` in a direct message to me."
                : $"Unset what? Type `config unset {app} KEY [KEY2 …]`.");
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        var unset = new List<string>();
        var notes = new List<string>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            var name = eq < 0 ? word : word[..eq];
            if (ConfigKeys.CheckName(name) is { } bad) throw new UsageException(bad);
            if (action == "unset")
            {
                if (eq >= 0) throw new UsageException($"`config unset` takes names only: type `config unset {app} {name}`.");
                if (!unset.Contains(name, StringComparer.Ordinal)) unset.Add(name);
                continue;
            }
            if (eq < 0)
                throw new UsageException($"`{name}` has no value. Type `config set {app} {name}=value`, or `config unset {app} {name}` to remove it.");
            set[name] = ConfigKeys.Clean(name, word[(eq + 1)..], out var note);
            if (note is not null) notes.Add(note);
        }
        return new ConfigSetCommand(app, new ConfigChange(set, unset), env) { Notes = notes };
    }

    private static bool IsAction(string word) => word.Equals("set", StringComparison.OrdinalIgnoreCase) || word.Equals("unset", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>run web migrate [in env]</c>; <c>run web</c> lists the app's tasks.</summary>
    private static Command ParseRun(Args args)
    {
        var app = args.App();
        var env = args.TakeEnv("in", "on");
        var task = args.TakeBare();
        env ??= args.TakeEnv("in", "on");
        if (args.Remaining.Count > 0)
            throw new UsageException($"Only named tasks run from chat, not commands typed here: `run {app}` lists the app's tasks, and the app's config names them under `Tasks`.");
        return new RunCommand(app, task?.ToLowerInvariant(), env);
    }

    /// <summary>
    /// Splits a line into words as a shell does, except that quotes stay in the word (<c>KEY="a b"</c> is one word, quotes
    /// and all), so the value reader can take them off and say so.
    /// </summary>
    internal static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                current.Append(c);
                if (c == quote) quote = null;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                current.Append(c);
            }
            else if (c == ' ')
            {
                if (current.Length > 0) words.Add(current.ToString());
                current.Clear();
            }
            else current.Append(c);
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }
}
