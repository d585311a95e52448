using System.Text;
using Bot.Commands;
using Bot.Deployments;
using Bot.Security;
using Bot.Text;
using Microsoft.AspNetCore.Http;

namespace Bot.Web;

/// <summary>
/// <c>GET /a/&lt;id&gt;?t=</c>: what fired, when and how often, the deployment it followed (with a link to its log page)
/// and that deployment's last lines from before the alert, where the store has them.
/// </summary>
public sealed class AlertPage(IDeploymentStore store, LogLinks links, LogPageHtml html, Redactor redactor, TimeProvider time)
{
    public const int LinesBefore = 50;

    public async Task PageAsync(HttpContext context, long id)
    {
        var ct = context.RequestAborted;
        if (links.CheckAlert(id, context.Request.Query["t"].ToString()) != LinkCheck.Valid)
        {
            await PageResponse.ForbiddenAsync(context, $"alert {id}", "alerts", ct).ConfigureAwait(false);
            return;
        }
        if (await store.AlertAsync(id, ct).ConfigureAwait(false) is not { } a)
        {
            await PageResponse.NotFoundAsync(context, $"There is no alert {id}.", ct).ConfigureAwait(false);
            return;
        }
        var now = time.GetUtcNow();
        var card = new AlertCard(a, now);
        var followed = (await store.ListAsync(a.App, a.Env, 20, false, ct).ConfigureAwait(false)).FirstOrDefault(d => d.CreatedAt <= a.FirstAt);
        var nonce = PageResponse.Start(context, StatusCodes.Status200OK);
        var sb = new StringBuilder(8 * 1024);
        LogPageHtml.Head(sb, $"{a.App}: {redactor.Redact(a.Title)}", nonce);
        sb.Append("<body><header id=\"head\" class=\"s-").Append(a.State == AlertState.Resolved ? "succeeded" : "failed").Append("\"><h1>");
        Text(sb, card.Title);
        sb.Append("</h1><p>");
        Text(sb, card.Summary);
        sb.Append("</p><p>").Append(Ansi.Escape(a.Severity.ToString().ToLowerInvariant())).Append(" · ").Append(a.State == AlertState.Resolved ? "resolved" : "firing")
          .Append(" · ").Append(a.Count).Append(a.Count == 1 ? " time" : " times").Append(" · first ").Append(Ansi.Escape(Format.Clock(a.FirstAt, now)))
          .Append(" · last ").Append(Ansi.Escape(Format.Ago(a.LastAt, now))).Append("</p>");
        if (card.Detail is not null) { sb.Append("<p class=\"msg\">"); Text(sb, a.Detail!); sb.Append("</p>"); }
        if (a.Link is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            sb.Append("<p><a href=\"").Append(Ansi.Escape(uri.AbsoluteUri)).Append("\" rel=\"noreferrer noopener\">Open in ");
            Text(sb, a.Source);
            sb.Append("</a></p>");
        }
        sb.Append("</header><main id=\"log\">");
        if (followed is null) sb.Append("<p class=\"none\">No deployment of this app came before the alert.</p>");
        else await FollowedAsync(sb, a, followed, now, ct).ConfigureAwait(false);
        sb.Append("</main></body></html>");
        await context.Response.WriteAsync(sb.ToString(), ct).ConfigureAwait(false);
    }

    private async Task FollowedAsync(StringBuilder sb, StoredAlert a, Deployment d, DateTimeOffset now, CancellationToken ct)
    {
        var before = (await store.TailAsync(d.Id, LinesBefore * 4, ct).ConfigureAwait(false)).Where(e => e.At <= a.FirstAt).TakeLast(LinesBefore).ToList();
        var deployCard = new DeploymentCard(d, [], now);
        sb.Append("<h2>After <a href=\"").Append(Ansi.Escape($"{LogLinks.DeploymentPath(d.App, d.Number)}?t={links.DeploymentToken(d.App, d.Number)}"))
          .Append("\">");
        Text(sb, deployCard.Title);
        sb.Append("</a></h2><p>");
        Text(sb, deployCard.Summary);
        sb.Append(d.FinishedAt is { } end ? $" · ended {Format.Duration(a.FirstAt - end)} before the alert" : "").Append("</p>");
        var step = new LogStep(0, before.Count == 0 ? "no lines kept from before the alert" : $"its last {before.Count} lines before the alert", d.StartedAt ?? d.CreatedAt);
        step.Lines.AddRange(before);
        html.Step(sb, step, open: before.Count > 0, d.StartedAt ?? d.CreatedAt);
    }

    private void Text(StringBuilder sb, string text) => Ansi.Escape(sb, Ansi.Strip(redactor.Redact(text)));
}
