using System.Globalization;
using Bot.Deployments.Stats;
using Bot.Text;

namespace Bot.Commands;

/// <summary>
/// The five figures as a phone reads them: a title and one line each, <c>Deploys: 4.2/week ↑ better (was 3.1)</c>; and
/// the counts behind them. The chat reply and the stats page both say it so.
/// </summary>
public sealed class StatsCard(StatsReport report)
{
    public string Title => $"📊 {report.Scope.Title}";

    public IReadOnlyList<StatsFigure> Figures { get; } = Build(report.Current, report.Previous);

    public string Text => Title + "\n" + string.Join('\n', Figures.Select(f => f.Line));

    /// <summary>What each figure was computed from, this period and (in brackets) the one before.</summary>
    public string Counts => $"📊 {report.Scope.Title}: the counts (the {report.Scope.Days} days before in brackets)\n" + string.Join('\n', CountLines);

    /// <summary>One line per figure, in the order of <see cref="Figures"/>.</summary>
    public IReadOnlyList<string> CountLines
    {
        get
        {
            var (c, p) = (report.Current, report.Previous);
            return
            [
                $"Deploys: {c.Deploys} ({p.Deploys}), failed ones included",
                $"Lead time: {c.LeadMeasured} measured ({p.LeadMeasured}), {c.LeadUnknown} unknown ({p.LeadUnknown}), {c.LeadNothingNew} with no new commit ({p.LeadNothingNew})",
                $"Change fail: {c.Failures} of {c.Deploys} ({p.Failures} of {p.Deploys}): {c.Failed} failed, {c.PutBack} put back, {c.RolledBack} rolled back",
                $"Recovery: {c.Recovered} recovered ({p.Recovered}), {c.NotRecovered} not yet ({p.NotRecovered})",
                $"Rework: {c.Rework} of {c.Deploys} ({p.Rework} of {p.Deploys}) within 24h of a failure",
            ];
        }
    }

    private static List<StatsFigure> Build(DoraFigures c, DoraFigures p)
    {
        // One unit for both periods, picked by this one: a busy team reads per day, most per week.
        var daily = c.PerDay >= 1;
        string Rate(DoraFigures f) => daily ? $"{Number(f.PerDay)}/day" : $"{Number(f.PerWeek)}/week";
        return
        [
            StatsFigure.Of("Deploys", c.PerDay, p.PerDay, Rate(c), Rate(p), higherIsBetter: true),
            StatsFigure.Of("Lead time (median)", Hours(c.LeadTime), Hours(p.LeadTime), Time(c.LeadTime), Time(p.LeadTime), higherIsBetter: false),
            StatsFigure.Of("Change fail rate", c.FailRate, p.FailRate, Percent(c.FailRate), Percent(p.FailRate), higherIsBetter: false),
            StatsFigure.Of("Recovery (median)", Hours(c.Recovery), Hours(p.Recovery), Time(c.Recovery), Time(p.Recovery), higherIsBetter: false),
            StatsFigure.Of("Rework rate", c.ReworkRate, p.ReworkRate, Percent(c.ReworkRate), Percent(p.ReworkRate), higherIsBetter: false),
        ];
    }

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Percent(double? rate) => rate is { } r ? Math.Round(r * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Time(TimeSpan? t) => t is { } v ? Short(v) : "–";

    private static double? Hours(TimeSpan? t) => t?.TotalHours;

    /// <summary><c>45s</c>, <c>12m</c>, <c>3h 10m</c>, <c>2d 4h</c>: a median needs no seconds past the first minute.</summary>
    private static string Short(TimeSpan t) =>
        t.TotalMinutes < 1 ? $"{(int)t.TotalSeconds}s" : t.TotalHours < 1 ? $"{(int)t.TotalMinutes}m" : Format.Duration(t);
}
