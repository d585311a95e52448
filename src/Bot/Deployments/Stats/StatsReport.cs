namespace Bot.Deployments.Stats;

/// <summary>The figures of a period, of the period of the same length before it, and of each week across both (oldest first).</summary>
public sealed record StatsReport(StatsScope Scope, DoraFigures Current, DoraFigures Previous, IReadOnlyList<DoraFigures> Weeks);
