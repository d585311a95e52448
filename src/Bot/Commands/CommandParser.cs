using System.Globalization;
using Bot.Text;
using System.Text.RegularExpressions;

namespace Bot.Commands;

/// <summary>
/// Text → <see cref="Command"/>, with no knowledge of apps or state. Accepts a leading <c>/</c>,
/// <c>/ops</c>, or bot mention, and what phones and Japanese input methods type (see <see cref="TextNormalizer"/>).
/// </summary>
public static partial class CommandParser
{
    public const int DefaultHistory = 10, MaxHistory = 100, DefaultLogLines = 50, MaxLogLines = 1000;

    public static Command Parse(string text)
    {
        var line = StripPrefixes(TextNormalizer.Normalize(text));
        var tokens = Tokens.Split(line);
        if (tokens.Count == 0)
            return new ParseError("Type a command, for example `deploy web` or `help`.", ParseErrorKind.Empty);

        var word = tokens[0];
        var skipChecks = word.EndsWith('!') && word.Length > 1;
        if (skipChecks) word = word[..^1];
        var verb = Verbs.Find(word);
        if (verb is null)
            return UnknownVerb(word);
        if (skipChecks && verb.Name != "deploy")
            return new ParseError($"Only `deploy!` takes a `!`. Type `{verb.Name}` without it.", ParseErrorKind.Usage, verb.Name);

        var args = new Args(verb, tokens.Skip(1).ToList());
        try
        {
            return verb.Name switch
            {
                "deploy" => ParseDeploy(args, skipChecks),
                "rollback" => ParseRollback(args),
                "cancel" => ParseCancel(args),
                "status" => new StatusCommand(args.TakeBare(), args.TakeEnv("in") ?? args.TakeBare()).Also(args.Done),
                "history" => new HistoryCommand(args.App(), args.TakeCount(DefaultHistory, MaxHistory), args.TakeEnv("in")).Also(args.Done),
                "logs" => ParseLogs(args),
                "lock" => new LockCommand(args.App(), args.TakeBare(), args.Rest()),
                "unlock" => new UnlockCommand(args.App(), args.TakeEnv("in") ?? args.TakeBare()).Also(args.Done),
                "apps" => new AppsCommand().Also(args.Done),
                "help" => new HelpCommand(args.TakeBare()?.ToLowerInvariant()).Also(args.Done),
                "scale" => ParseScale(args),
                "restart" => new RestartCommand(args.App(), args.TakeBare(), args.TakeEnv("in")).Also(args.Done),
                "maintenance" => ParseMaintenance(args),
                "promote" => ParsePromote(args),
                "freeze" => new FreezeCommand(args.Rest()),
                "unfreeze" => new UnfreezeCommand().Also(args.Done),
                "approve" or "reject" => ParseApproval(args, verb.Name == "approve"),
                "alerts" => new AlertsCommand(args.TakeBare()).Also(args.Done),
                "mute" => new MuteCommand(args.App(), args.TakeDuration() ?? TimeSpan.FromHours(1), true).Also(args.Done),
                "unmute" => new MuteCommand(args.App(), null, false).Also(args.Done),
                "config" => ParseConfig(args, line),
                "run" => ParseRun(args),
                "stats" => ParseStats(args),
                "audit" => new AuditCommand(args.TakeBare(), args.TakeCount(20, MaxHistory)).Also(args.Done),
                _ => UnknownVerb(word),
            };
        }
        catch (UsageException e)
        {
            return new ParseError(e.Message, e.Kind, verb.Name);
        }
    }

    private static ParseError UnknownVerb(string word)
    {
        var close = Suggest.Closest(word, Verbs.All.SelectMany(v => (v.Aliases ?? []).Prepend(v.Name)), 3);
        var verbs = close.Select(c => Verbs.Find(c)!).Distinct().ToList();
        // Two verbs as close as each other (`stauts`: status or stats?) are both offered, in the order help lists them.
        var tied = verbs.Where(v => close.Any(c => Verbs.Find(c) == v && Suggest.Distance(word.ToLowerInvariant(), c) == Suggest.Distance(word.ToLowerInvariant(), close[0])))
            .OrderBy(v => Verbs.All.ToList().IndexOf(v)).Select(v => v.Name).Take(2).ToList();
        var hint = tied.Count switch
        {
            0 => "Type `help` to see what I can do.",
            1 => $"Did you mean `{tied[0]}`? Type `help {tied[0]}` to see how.",
            _ => $"Did you mean `{tied[0]}` or `{tied[1]}`? Type `help` to see what I can do.",
        };
        return new ParseError($"I don't know `{Tokens.Clip(word)}`. {hint}", ParseErrorKind.UnknownVerb);
    }

    /// <summary>Removes bot mentions (<c>&lt;@U123&gt;</c>, <c>@deploybot</c>), <c>/ops</c> and a leading <c>/</c> or <c>!</c>.</summary>
    private static Command ParseRollback(Args args)
    {
        var app = args.App();
        var confirmed = args.TakeFlag("--yes", "-y");
        return new RollbackCommand(app, args.TakeBare(), args.TakeEnv("in", "to"), confirmed).Also(args.Done);
    }

    internal static string StripPrefixes(string text)
    {
        var s = text;
        while (true)
        {
            var m = Mention().Match(s);
            if (!m.Success) break;
            s = s[m.Length..].TrimStart(' ', ':', ',');
        }
        if (s.StartsWith('/') || s.StartsWith('!')) s = s[1..].TrimStart();
        var ops = OpsPrefix().Match(s);
        if (ops.Success) s = s[ops.Length..].TrimStart();
        if (s.StartsWith('/')) s = s[1..];
        return s.Trim();
    }

    [GeneratedRegex(@"^(<@[A-Za-z0-9]+(\|[^>]*)?>|@[\w.\-]+)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Mention();

    [GeneratedRegex(@"^ops(\s+|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OpsPrefix();

    private static T Also<T>(this T command, Action check)
    {
        check();
        return command;
    }

    private static Command ParseDeploy(Args args, bool skipChecks)
    {
        var app = args.App();
        string? gitRef = null;
        var slash = app.IndexOf('/');
        if (slash > 0)
        {
            gitRef = app[(slash + 1)..];
            app = app[..slash];
        }
        gitRef ??= args.TakeBare();
        // `as preview` names the environment a target makes previews in (Cloud Run: a tagged revision with no traffic).
        var env = args.TakeEnv("to", "in", "as");
        if (skipChecks is false && args.TakeFlag("--force", "-f")) skipChecks = true;
        if (args.Remaining.Count > 0 && env is null && gitRef is not null)
            throw new UsageException($"I read `deploy {app} {gitRef}`, then `{Tokens.Clip(args.Remaining[0])}`. To pick an environment type `deploy {app} {gitRef} to {Tokens.Clip(args.Remaining[0])}`.");
        args.Done();
        return new DeployCommand(app, string.IsNullOrEmpty(gitRef) ? null : gitRef, env, skipChecks);
    }

    private static Command ParseCancel(Args args)
    {
        string? app = null;
        int? number = args.TakeNumber();
        if (number is null)
        {
            app = args.TakeBare() ?? throw new UsageException("Which deployment? Type `cancel web` or `cancel #42`.", ParseErrorKind.MissingApp);
            var hash = app.IndexOf('#');
            if (hash > 0 && int.TryParse(app[(hash + 1)..], CultureInfo.InvariantCulture, out var n))
            {
                number = n;
                app = app[..hash];
            }
            number ??= args.TakeNumber();
        }
        args.Done();
        return new CancelCommand(app, number);
    }

    private static Command ParseLogs(Args args)
    {
        var app = args.App();
        // `logs web #42`: the whole log of one deployment (its page link), not the app's own log lines.
        var hash = app.IndexOf('#');
        int? deployment = hash > 0 ? Args.ParseCount(app[(hash + 1)..], int.MaxValue) : null;
        if (deployment is not null) app = app[..hash];
        else if (args.Remaining.Count > 0 && args.Remaining[0].StartsWith('#'))
            deployment = args.TakeNumber() ?? throw new UsageException($"`#` takes a deployment number, e.g. `logs {app} #42`.");
        if (deployment is { } number)
        {
            var inEnv = args.TakeEnv("in", "env");
            args.Done();
            return new LogsCommand(app, DefaultLogLines, null, null, inEnv, new Dictionary<string, string>()) { Deployment = number };
        }
        var lines = args.TakeCount(DefaultLogLines, MaxLogLines);
        TimeSpan? since = null;
        string? grep = null, env = null;
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (args.Remaining.Count > 0)
        {
            var key = args.Remaining[0].TrimStart('-').ToLowerInvariant();
            args.Remaining.RemoveAt(0);
            switch (key)
            {
                case "since" or "last":
                    since = args.TakeDuration() ?? throw new UsageException("`since` takes a duration such as `15m`, `2h` or `1d`.");
                    break;
                case "grep" or "search" or "filter":
                    grep = args.Rest() ?? throw new UsageException("`grep` takes the text to look for, e.g. `logs web grep timeout`.");
                    break;
                case "in" or "env":
                    env = args.TakeBare() ?? throw new UsageException("`in` takes an environment name.");
                    break;
                case "dyno" or "process" or "source" or "n" or "lines":
                    var value = args.TakeBare() ?? throw new UsageException($"`{key}` takes a value.");
                    if (key is "n" or "lines")
                        lines = Args.ParseCount(value, MaxLogLines) ?? throw new UsageException("`-n` takes a number of lines, e.g. `logs web -n 200`.");
                    else
                        options[key == "process" ? "dyno" : key] = value;
                    break;
                default:
                    if (args.Remaining.Count == 0 && Args.ParseDuration(key) is { } d) { since = d; break; }
                    throw new UsageException($"I don't understand `{Tokens.Clip(key)}` in `logs`. Try `logs {app} 200 since 15m grep error`.");
            }
        }
        return new LogsCommand(app, lines, since, grep, env, options);
    }

    private static Command ParseScale(Args args)
    {
        var app = args.App();
        var quantities = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        string? size = null;
        while (args.Remaining.Count > 0 && args.Remaining[0] is var t && t != "in")
        {
            args.Remaining.RemoveAt(0);
            var eq = t.IndexOf('=');
            if (eq > 0 && int.TryParse(t[(eq + 1)..], CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 100)
                quantities[t[..eq]] = n;
            // `scale web 3`: the app's one process (an ECS service's desired count); a target with several asks which.
            else if (quantities.Count == 0 && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 100)
                quantities[ScaleCommand.Whole] = count;
            else if (eq < 0 && size is null)
                size = t;
            else
                throw new UsageException($"`{Tokens.Clip(t)}` is not a process count. Type it as `web=2` (0 to 100).");
        }
        if (quantities.Count == 0)
            throw new UsageException($"Say how many of which process, e.g. `scale {app} web=2 worker=1`.");
        var env = args.TakeEnv("in");
        args.Done();
        return new ScaleCommand(app, quantities, size, env);
    }

    private static Command ParseMaintenance(Args args)
    {
        var app = args.App();
        var onOff = args.TakeBare()?.ToLowerInvariant();
        var on = onOff switch
        {
            "on" or "enable" or "true" => true,
            "off" or "disable" or "false" => false,
            _ => throw new UsageException($"Say `on` or `off`: `maintenance {app} on`."),
        };
        var env = args.TakeEnv("in");
        args.Done();
        return new MaintenanceCommand(app, on, env);
    }

    private static Command ParsePromote(Args args)
    {
        var app = args.App();
        var confirmed = args.TakeFlag("--yes", "-y");
        var from = args.TakeBare();
        var to = args.TakeEnv("to");
        if (to is null && (from is null || from.Equals("canary", StringComparison.OrdinalIgnoreCase) || from.Equals("preview", StringComparison.OrdinalIgnoreCase)))
        {
            var env = args.TakeEnv("in");
            args.Done();
            return new PromoteCanaryCommand(app, from?.ToLowerInvariant(), env);
        }
        if (from is null || to is null)
            throw new UsageException($"Name both environments: `promote {app} staging to production`.");
        args.Done();
        return new PromoteCommand(app, from, to, confirmed);
    }

    private static Command ParseApproval(Args args, bool approve)
    {
        var verb = approve ? "approve" : "reject";
        string? app = null;
        var number = args.TakeNumber();
        if (number is null)
        {
            app = args.TakeBare();
            number = args.TakeNumber();
        }
        if (number is null)
            throw new UsageException(approve ? "Which deployment? Type `approve #42`." : "Which deployment? Type `reject #42 [reason]`.");
        if (approve)
        {
            args.Done();
            return new ApproveCommand(app, number.Value, true);
        }
        return new ApproveCommand(app, number.Value, false, args.Rest());
    }
}
