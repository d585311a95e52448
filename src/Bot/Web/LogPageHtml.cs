using System.Globalization;
using System.Text;
using Bot.Commands;
using Bot.Deployments;
using Bot.Security;
using Bot.Text;

namespace Bot.Web;

/// <summary>The parts of the log page as HTML; every text that came from outside (output, subject, names, messages) is redacted, then escaped.</summary>
public sealed partial class LogPageHtml(Redactor redactor)
{
    public static void Head(StringBuilder sb, string title, string nonce, string? moreCss = null)
    {
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
          .Append("<meta name=\"color-scheme\" content=\"light dark\"><meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">")
          .Append("<title>");
        Ansi.Escape(sb, title);
        sb.Append("</title><style nonce=\"").Append(nonce).Append("\">").Append(LogPageAssets.Css).Append(moreCss).Append("</style></head>");
    }

    public static void Script(StringBuilder sb, string nonce) =>
        sb.Append("<script nonce=\"").Append(nonce).Append("\">").Append(LogPageAssets.Script).Append("</script></body></html>");

    /// <summary>What the card shows: title and state, ref and subject, who, times, the release and its link, why it ended so.</summary>
    public void Header(StringBuilder sb, Deployment d, DateTimeOffset now)
    {
        var card = new DeploymentCard(d, [], now);
        sb.Append("<header id=\"head\" class=\"s-").Append(DeploymentFeed.Name(d.State)).Append("\"><h1>");
        Text(sb, card.Title);
        sb.Append("</h1><p class=\"what\"><code>");
        Text(sb, card.What);
        sb.Append("</code>");
        if (!string.IsNullOrEmpty(d.Subject)) { sb.Append(" “"); Text(sb, d.Subject); sb.Append('”'); }
        sb.Append("</p><p class=\"who\">by ");
        Text(sb, d.Origin.UserName);
        sb.Append(" · ").Append(Ansi.Escape(d.Origin.Platform)).Append(" · ").Append(Ansi.Escape(d.Verb)).Append("</p><p class=\"times\">");
        Time(sb, "queued", d.CreatedAt, now);
        if (d.StartedAt is { } started) { sb.Append(" · "); Time(sb, "started", started, now); }
        if (d.FinishedAt is { } finished) { sb.Append(" · "); Time(sb, "ended", finished, now); }
        // Waiting for checks, a turn or approvals is not running: it says so, and for how long.
        if (d.State != DeploymentState.Queued)
            sb.Append(" · ").Append(d.State switch
            {
                DeploymentState.Waiting or DeploymentState.AwaitingApproval => "waiting for ",
                _ when d.IsActive => "running for ",
                _ => "took ",
            }).Append(Format.Duration(d.Elapsed(now)));
        sb.Append("</p>");
        if (card.Outcome is { } outcome) sb.Append("<p class=\"msg\">").Append(CodeSpans().Replace(Ansi.Escape(Plain(outcome)), "<code>$1</code>")).Append("</p>");
        if (d.Release is not null || d.Url is not null)
        {
            sb.Append("<p class=\"rel\">");
            if (d.Release is { } release) { sb.Append("Release <code>"); Text(sb, release); sb.Append("</code> "); }
            if (d.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var link) && link.Scheme is "https" or "http")
            {
                sb.Append("<a href=\"");
                Ansi.Escape(sb, link.AbsoluteUri);
                sb.Append("\" rel=\"noreferrer noopener\">");
                Ansi.Escape(sb, url);
                sb.Append("</a>");
            }
            sb.Append("</p>");
        }
        sb.Append("</header>");
    }

    public void Step(StringBuilder sb, LogStep step, bool open, DateTimeOffset start)
    {
        StepOpen(sb, step, open, start);
        foreach (var line in step.Lines) Line(sb, line, start);
        sb.Append("</div></details>");
    }

    /// <summary>A step's fold and the start of its body (the live stream sends this for a new step, with <c>&lt;/div&gt;&lt;/details&gt;</c>).</summary>
    public static void StepOpen(StringBuilder sb, LogStep step, bool open, DateTimeOffset start)
    {
        sb.Append("<details id=\"S").Append(step.Index).Append("\" class=\"step").Append(step.Failed ? " fail" : "").Append('"').Append(open ? " open" : "")
          .Append("><summary><span class=\"n\">");
        Ansi.Escape(sb, step.Name);
        sb.Append("</span> <span class=\"t\">").Append(Offset(step.At - start)).Append("</span> <span class=\"d\">");
        if (step.Done is { } done) Ansi.Escape(sb, done);
        else if (step.Failed) sb.Append("failed");
        sb.Append("</span></summary><div class=\"b\">");
    }

    public void Line(StringBuilder sb, StoryLine e, DateTimeOffset start)
    {
        sb.Append("<div id=\"L").Append(e.Seq).Append("\" class=\"l ").Append(e.Kind switch
        {
            LineKind.ErrorOutput => "e",
            LineKind.Warning => "w",
            LineKind.Notice => "n",
            _ => "o",
        }).Append("\"><span class=\"t\">").Append(Offset(e.At - start)).Append("</span><span class=\"x\">");
        Ansi.AppendHtml(sb, redactor.Redact(e.Text));
        sb.Append("</span></div>");
    }

    /// <summary><c>+0:07</c>, <c>+12:30</c>, <c>+1:02:03</c> since the deployment started.</summary>
    public static string Offset(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"+{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"+{(int)t.TotalMinutes}:{t.Seconds:00}");
    }

    /// <summary>Redacted text without terminal escapes (the raw download).</summary>
    public string Plain(string text) => Ansi.Strip(redactor.Redact(text));

    private void Text(StringBuilder sb, string text) => Ansi.Escape(sb, Ansi.Strip(redactor.Redact(text)));

    /// <summary>Hints in messages are <c>`code`</c> spans: shown as code.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("`([^`]+)`")]
    private static partial System.Text.RegularExpressions.Regex CodeSpans();

    private static void Time(StringBuilder sb, string what, DateTimeOffset at, DateTimeOffset now)
    {
        sb.Append(what).Append(" <time datetime=\"").Append(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
          .Append("\" title=\"").Append(Format.Clock(at, now)).Append("\">").Append(Format.Ago(at, now)).Append("</time>");
    }
}
