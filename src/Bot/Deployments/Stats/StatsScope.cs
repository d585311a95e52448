namespace Bot.Deployments.Stats;

/// <summary>What the figures are about: one app (or all, <see cref="App"/> null), one environment, a period of <see cref="Days"/> ending now.</summary>
public sealed record StatsScope(string? App, string Env, int Days)
{
    /// <summary>The periods offered: a week, a month, a quarter.</summary>
    public static readonly int[] Periods = [7, 30, 90];

    public const int DefaultDays = 30;

    public string Period => $"{Days}d";

    public string Title => $"{App ?? "all apps"} · {Env} · last {Days} days";
}
