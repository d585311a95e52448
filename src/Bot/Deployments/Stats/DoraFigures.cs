namespace Bot.Deployments.Stats;

/// <summary>
/// The five figures of one window (<see cref="From"/> up to <see cref="To"/>), with the counts behind each.
/// <see cref="Failed"/>, <see cref="PutBack"/> and <see cref="RolledBack"/> are the three kinds of failed deploy, each
/// deploy in one of them at most.
/// </summary>
public sealed record DoraFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    int Deploys,
    int Failed,
    int PutBack,
    int RolledBack,
    int LeadMeasured,
    int LeadUnknown,
    int LeadNothingNew,
    TimeSpan? LeadTime,
    int Recovered,
    int NotRecovered,
    TimeSpan? Recovery,
    int Rework)
{
    public int Failures => Failed + PutBack + RolledBack;

    public double Days => (To - From).TotalDays;

    public double PerDay => Days <= 0 ? 0 : Deploys / Days;

    public double PerWeek => PerDay * 7;

    /// <summary>Failed deploys ÷ all counted; null when nothing was deployed.</summary>
    public double? FailRate => Deploys == 0 ? null : (double)Failures / Deploys;

    /// <summary>Deploys that followed a failure within a day ÷ all counted; null when nothing was deployed.</summary>
    public double? ReworkRate => Deploys == 0 ? null : (double)Rework / Deploys;
}
