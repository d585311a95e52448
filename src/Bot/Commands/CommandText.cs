using System.Globalization;

namespace Bot.Commands;

/// <summary>Writes a parsed command back as text, e.g. to offer the corrected spelling as a one-tap retry.</summary>
public static class CommandText
{
    public static string? Render(Command command, string app) => command switch
    {
        DeployCommand c => Join(c.SkipChecks ? "deploy!" : "deploy", app, c.Ref, c.Env is null ? null : $"to {c.Env}"),
        PromoteCommand c => Join("promote", app, c.FromEnv, $"to {c.ToEnv}", c.Confirmed ? "--yes" : null),
        RollbackCommand c => Join("rollback", app, c.Release, c.Env is null ? null : $"in {c.Env}", c.Confirmed ? "--yes" : null),
        CancelCommand c => Join("cancel", app, c.Number is { } n ? $"#{n}" : null),
        StatusCommand c => Join("status", app, c.Env),
        StatsCommand c => Join("stats", app, $"{c.Days}d", c.Env is null ? null : $"in {c.Env}", c.Counts ? "counts" : null),
        HistoryCommand c => Join("history", app, c.Count.ToString(CultureInfo.InvariantCulture), c.Env is null ? null : $"in {c.Env}"),
        LogsCommand c => Join("logs", app, c.Lines.ToString(CultureInfo.InvariantCulture), c.Grep is null ? null : $"grep {c.Grep}"),
        LockCommand c => Join("lock", app, c.FirstWord, c.Rest),
        UnlockCommand c => Join("unlock", app, c.Env),
        _ => null,
    };

    private static string Join(params string?[] parts) => string.Join(' ', parts.Where(p => !string.IsNullOrEmpty(p)));
}
