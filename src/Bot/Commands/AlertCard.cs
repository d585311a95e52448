using System.Globalization;
using Bot.Deployments;
using Bot.Text;

namespace Bot.Commands;

/// <summary>An alert as chat shows it: what, where, how often since when, and the next steps (logs, roll back, mute).</summary>
public sealed record AlertCard(StoredAlert Alert, DateTimeOffset Now)
{
    private StoredAlert A => Alert;

    /// <summary>The signed link to the alert's page (<c>/a/&lt;id&gt;</c>); null without <c>BOT_PUBLIC_URL</c>.</summary>
    public string? PageUrl { get; init; }

    public string Emoji => A.State == AlertState.Resolved ? "✅" : A.Severity switch
    {
        AlertSeverity.Critical => "🔴",
        AlertSeverity.Warning => "🟠",
        _ => "🔵",
    };

    public bool IsResolved => A.State == AlertState.Resolved;

    /// <summary><c>🔴 web production: Error rate above 5%</c></summary>
    public string Title => $"{Emoji} {A.App}{(A.Env is null ? "" : " " + A.Env)}: {A.Title}";

    /// <summary><c>51 times since 14:03 UTC · last just now · grafana</c>, or how long it lasted once resolved.</summary>
    public string Summary
    {
        get
        {
            var times = A.Count == 1 ? $"at {Format.Clock(A.FirstAt, Now)}" : $"{A.Count} times since {Format.Clock(A.FirstAt, Now)} · last {Format.Ago(A.LastAt, Now)}";
            var resolved = A.ResolvedAt is { } r ? $"resolved {Format.Clock(r, Now)} after {Format.Duration(r - A.FirstAt)} · " : "";
            return $"{resolved}{times} · {A.Source}{(A.Muted ? " · muted" : "")}";
        }
    }

    public string? Detail => string.IsNullOrWhiteSpace(A.Detail) ? null : A.Detail.Length <= 500 ? A.Detail : A.Detail[..499] + "…";

    /// <summary>Logs from a little before the alert, a rollback (asks first), and an hour of quiet.</summary>
    public IReadOnlyList<ChatAction> Actions
    {
        get
        {
            var inEnv = A.Env is null ? "" : $" in {A.Env}";
            var minutes = Math.Clamp((int)Math.Ceiling((Now - A.FirstAt).TotalMinutes) + 5, 5, 1440);
            var logs = new ChatAction("Logs", $"logs {A.App} 100 since {minutes.ToString(CultureInfo.InvariantCulture)}m{inEnv}");
            if (IsResolved) return [logs];
            return
            [
                logs,
                new ChatAction("Roll back", $"rollback {A.App}{inEnv}", $"Put the release before the live one of {A.App} back{inEnv}?"),
                new ChatAction("Mute 1h", $"mute {A.App} 1h"),
            ];
        }
    }
}
