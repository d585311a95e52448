using System.Globalization;
using System.Text;
using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments.Stats;
using Bot.Security;
using Microsoft.AspNetCore.Http;

namespace Bot.Web;

/// <summary>
/// <c>GET /s/&lt;days&gt;d/&lt;env&gt;[/&lt;app&gt;]?t=</c>: the five figures of the chat's <c>stats</c>, each with its
/// counts and a chart by week across this period and the one before. The same link rules as the log page: the token
/// first (403), then what it names (404).
/// </summary>
public sealed class StatsPage(AppCatalog apps, DeploymentStats stats, LogLinks links)
{
    public async Task PageAsync(HttpContext context, string period, string env, string? app)
    {
        var ct = context.RequestAborted;
        var days = period.EndsWith('d') && int.TryParse(period.AsSpan(0, period.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        if (links.CheckStats(app, env, days, context.Request.Query["t"].ToString()) != LinkCheck.Valid)
        {
            await PageResponse.ForbiddenAsync(context, $"the stats of {app ?? "all apps"} in {env}",
                $"stats{(app is null ? "" : " " + app)} {days}d in {env}", ct).ConfigureAwait(false);
            return;
        }
        if (Scope(app, env, days) is not { } scope)
        {
            await PageResponse.NotFoundAsync(context, $"There are no stats of {app ?? "all apps"} in {env} over {period}.", ct).ConfigureAwait(false);
            return;
        }
        var report = await stats.ReportAsync(scope, a => apps.Find(a)?.HasEnv(scope.Env) == true, ct).ConfigureAwait(false);
        var nonce = PageResponse.Start(context, StatusCodes.Status200OK);
        var sb = new StringBuilder(16 * 1024);
        Write(sb, report, nonce);
        await context.Response.WriteAsync(sb.ToString(), ct).ConfigureAwait(false);
    }

    /// <summary>What the link names, as configured now: null when the period, the app or the environment is not (any more).</summary>
    private StatsScope? Scope(string? app, string env, int days)
    {
        if (!StatsScope.Periods.Contains(days)) return null;
        if (app is null) return apps.All.FirstOrDefault(a => a.HasEnv(env)) is null ? null : new StatsScope(null, env, days);
        var found = apps.Find(app) ?? apps.Find(app.ToLowerInvariant());
        return found?.HasEnv(env) == true ? new StatsScope(found.Name, env, days) : null;
    }

    internal static void Write(StringBuilder sb, StatsReport report, string nonce)
    {
        var card = new StatsCard(report);
        LogPageHtml.Head(sb, report.Scope.Title, nonce, StatsPageCss.Css);
        sb.Append("<body><header id=\"head\"><h1>");
        Ansi.Escape(sb, report.Scope.Title);
        sb.Append("</h1><p>Against the ").Append(report.Scope.Days).Append(" days before. Times are medians. Charts: one bar a week, pale before this period.</p></header><main id=\"stats\">");
        var counts = card.CountLines;
        for (var i = 0; i < card.Figures.Count; i++)
        {
            var f = card.Figures[i];
            sb.Append("<section class=\"fig\" id=\"f").Append(i).Append("\"><h2>");
            Ansi.Escape(sb, f.Name);
            sb.Append("</h2><p class=\"now\"><b class=\"value\">");
            Ansi.Escape(sb, f.Shown);
            sb.Append("</b>");
            if (f.Arrow.Length > 0)
            {
                sb.Append(" <span class=\"").Append(f.Verdict ?? "same").Append("\">").Append(f.Arrow);
                if (f.Verdict is { } verdict) sb.Append(' ').Append(verdict);
                sb.Append("</span>");
            }
            sb.Append(" <span class=\"was\">was ");
            Ansi.Escape(sb, f.PreviousShown);
            sb.Append("</span></p><p class=\"counts\">");
            Ansi.Escape(sb, counts[i]);
            sb.Append("</p>");
            StatsChart.Draw(sb, $"c{i}", $"{f.Name} by week", Bars(report, i), Axis(i));
            sb.Append("</section>");
        }
        sb.Append("<section id=\"defs\"><h2>How these are counted</h2><ul>")
          .Append("<li>Deploys: deploys, rollbacks and promotions that started and ended (or began going live), failed ones included; config changes and tasks are left out.</li>")
          .Append("<li>Lead time: per deploy that went live, from the oldest commit it brought (over the release live before it) to its end.</li>")
          .Append("<li>Change fail rate: deploys that failed, were put back, or were rolled back by the next release, of all counted.</li>")
          .Append("<li>Recovery: from a failed deploy's end to the next good release live in that app and environment.</li>")
          .Append("<li>Rework rate: deploys that followed a failure of the same app and environment within 24h, of all counted.</li>")
          .Append("</ul></section></main></body></html>");
    }

    private static List<StatsChart.Bar> Bars(StatsReport report, int figure) =>
        report.Weeks.Select(w =>
        {
            var value = Value(w, figure);
            var shown = figure switch
            {
                0 => $"{w.Deploys} deploy{(w.Deploys == 1 ? "" : "s")}",
                1 => StatsCard.Time(w.LeadTime),
                2 => StatsCard.Percent(w.FailRate),
                3 => StatsCard.Time(w.Recovery),
                _ => StatsCard.Percent(w.ReworkRate),
            };
            return new StatsChart.Bar(value, $"to {w.To.ToString("MMM d", CultureInfo.InvariantCulture)}: {shown}", w.To > report.Current.From);
        }).ToList();

    private static double? Value(DoraFigures w, int figure) => figure switch
    {
        0 => w.PerWeek,
        1 => w.LeadTime?.TotalHours,
        2 => w.FailRate * 100,
        3 => w.Recovery?.TotalHours,
        _ => w.ReworkRate * 100,
    };

    /// <summary>An axis label short enough for the chart's margin: <c>0</c>, <c>45m</c>, <c>6h</c>, <c>3d</c>.</summary>
    private static string Hours(double h) => h switch
    {
        <= 0 => "0",
        < 1 => $"{Math.Round(h * 60).ToString("0", CultureInfo.InvariantCulture)}m",
        < 48 => $"{Math.Round(h).ToString("0", CultureInfo.InvariantCulture)}h",
        _ => $"{Math.Round(h / 24).ToString("0", CultureInfo.InvariantCulture)}d",
    };

    private static Func<double, string> Axis(int figure) => figure switch
    {
        0 => v => StatsCard.Number(v) + "/wk",
        1 or 3 => v => Hours(v),
        _ => v => Math.Round(v).ToString("0", CultureInfo.InvariantCulture) + "%",
    };
}
