namespace Bot.Commands;

/// <summary>A parsed chat command. The parser knows the grammar, not the apps: names are checked later.</summary>
public abstract record Command
{
    /// <summary>The app the command is about, when it names one.</summary>
    public virtual string? App => null;
}

public sealed record DeployCommand(string AppName, string? Ref, string? Env, bool SkipChecks = false) : Command
{
    public override string? App => AppName;
}

/// <summary><c>rollback web [#41|v122|r7] [in env]</c>; <see cref="Release"/> is whatever names the release.</summary>
/// <param name="Confirmed"><c>--yes</c>: go ahead where the bot would ask first (a release with the live commit).</param>
public sealed record RollbackCommand(string AppName, string? Release, string? Env, bool Confirmed = false) : Command
{
    public override string? App => AppName;
}

/// <summary><c>cancel web</c> or <c>cancel #42</c> (or <c>cancel web #42</c>).</summary>
public sealed record CancelCommand(string? AppName, int? Number) : Command
{
    public override string? App => AppName;
}

public sealed record StatusCommand(string? AppName, string? Env) : Command
{
    public override string? App => AppName;
}

public sealed record HistoryCommand(string AppName, int Count, string? Env) : Command
{
    public override string? App => AppName;
}

public sealed record LogsCommand(
    string AppName, int Lines, TimeSpan? Since, string? Grep, string? Env,
    IReadOnlyDictionary<string, string> Options) : Command
{
    public override string? App => AppName;

    /// <summary><c>logs web #42</c>: that deployment's own log (a link to its page) instead of the app's log lines.</summary>
    public int? Deployment { get; init; }
}

/// <summary>
/// <c>lock web [env] [reason]</c>. The parser cannot tell an environment from the first word of a
/// reason, so <see cref="FirstWord"/> is checked against the app's environments by the handler.
/// </summary>
public sealed record LockCommand(string AppName, string? FirstWord, string? Rest) : Command
{
    public override string? App => AppName;
}

public sealed record UnlockCommand(string AppName, string? Env) : Command
{
    public override string? App => AppName;
}

public sealed record AppsCommand : Command;

public sealed record HelpCommand(string? Verb) : Command;

public sealed record ScaleCommand(string AppName, IReadOnlyDictionary<string, int> Quantities, string? Size, string? Env) : Command
{
    /// <summary>The key of a bare count (<c>scale web 3</c>): the app's one process, where the target has just one.</summary>
    public const string Whole = "";

    public override string? App => AppName;
}

public sealed record RestartCommand(string AppName, string? Process, string? Env) : Command
{
    public override string? App => AppName;
}

public sealed record MaintenanceCommand(string AppName, bool On, string? Env) : Command
{
    public override string? App => AppName;
}

public sealed record PromoteCommand(string AppName, string FromEnv, string ToEnv, bool Confirmed = false) : Command
{
    public override string? App => AppName;
}

/// <summary><c>promote api canary</c>: send all traffic to a release held back behind a split (<see cref="Targets.ICanPromote"/>).</summary>
public sealed record PromoteCanaryCommand(string AppName, string? What, string? Env) : Command
{
    public override string? App => AppName;
}

public sealed record FreezeCommand(string? Reason) : Command;

public sealed record UnfreezeCommand : Command;

/// <summary><c>approve #42</c>, <c>reject web #42 not during the sale</c>: an answer to a deployment awaiting approval.</summary>
public sealed record ApproveCommand(string? AppName, int Number, bool Approve, string? Reason = null) : Command
{
    public override string? App => AppName;
}

public sealed record AlertsCommand(string? AppName) : Command
{
    public override string? App => AppName;
}

public sealed record MuteCommand(string AppName, TimeSpan? For, bool Mute) : Command
{
    public override string? App => AppName;
}

public sealed record AuditCommand(string? AppName, int Count) : Command
{
    public override string? App => AppName;
}

/// <summary>A command that could not be read: what went wrong and what to type instead.</summary>
public sealed record ParseError(string Message, ParseErrorKind Kind = ParseErrorKind.Usage, string? Verb = null) : Command;

/// <summary><c>config web [in env]</c>: the names of the app's config vars, with fingerprints, never values.</summary>
public sealed record ConfigCommand(string AppName, string? Env) : Command
{
    public override string? App => AppName;
}

/// <summary>
/// <c>config set web KEY=value …</c> / <c>config unset web KEY …</c>. Holds the values in memory only: it is never
/// written back as text (<see cref="CommandText"/> has no form for it) and its audit line is the redacted command.
/// </summary>
public sealed record ConfigSetCommand(string AppName, Targets.Config.ConfigChange Change, string? Env) : Command
{
    public override string? App => AppName;

    /// <summary>What the value reader took off (quotes, a trailing newline), naming keys only.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public override string ToString() => $"ConfigSetCommand {{ AppName = {AppName}, Change = {Change.Summary}, Env = {Env} }}";
}

/// <summary><c>run web migrate [in env]</c>; without a task, the list of the app's tasks.</summary>
public sealed record RunCommand(string AppName, string? Task, string? Env) : Command
{
    public override string? App => AppName;
}

/// <summary><c>config file web [in env]</c>: apply the <c>.env</c> file this person sent in a direct message; <c>--discard</c> drops it.</summary>
public sealed record ConfigFileCommand(string AppName, string? Env, bool Discard = false) : Command;

/// <summary><c>stats [web] [7d|30d|90d] [in env] [counts]</c>: the DORA figures; <see cref="Counts"/> shows what they were computed from.</summary>
public sealed record StatsCommand(string? AppName, int Days, string? Env, bool Counts) : Command
{
    public override string? App => AppName;
}
