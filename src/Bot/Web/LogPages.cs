using System.Text;
using Bot.Deployments;
using Bot.Security;
using Microsoft.AspNetCore.Http;

namespace Bot.Web;

/// <summary>
/// <c>GET /d/&lt;app&gt;/&lt;n&gt;?t=</c>: a deployment's whole story on one phone-sized page (or, with <c>raw=1</c>, as
/// plain text). The header (what the card shows) goes out before the events are read, so the first bytes come at once.
/// </summary>
public sealed class LogPages(IDeploymentStore store, LogLinks links, LogPageHtml html, TimeProvider time)
{
    internal const int Batch = 1000;

    public async Task PageAsync(HttpContext context, string app, int number)
    {
        var ct = context.RequestAborted;
        var token = context.Request.Query["t"].ToString();
        if (await AllowedAsync(context, app, number, token, ct).ConfigureAwait(false) is not { } d) return;
        if (context.Request.Query.ContainsKey("raw"))
        {
            await RawAsync(context, d, ct).ConfigureAwait(false);
            return;
        }
        var nonce = PageResponse.Start(context, StatusCodes.Status200OK);
        var now = time.GetUtcNow();
        var start = d.StartedAt ?? d.CreatedAt;
        var sb = new StringBuilder(16 * 1024);
        LogPageHtml.Head(sb, $"{d.App} #{d.Number} · {DeploymentFeed.Name(d.State)}", nonce);
        sb.Append("<body>");
        html.Header(sb, d, now);
        await FlushAsync(context, sb, ct).ConfigureAwait(false);

        // First the outline (steps, how each ended, the first error), then the lines again, written as they are read:
        // the page holds one batch of events at a time, however long the log.
        var story = new LogStory(keepLines: false);
        await foreach (var e in EventsAsync(d.Id, long.MaxValue, ct).ConfigureAwait(false)) story.Add(e);
        story.End(d);
        var path = LogLinks.DeploymentPath(d.App, d.Number);
        var query = "?t=" + Uri.EscapeDataString(token);
        sb.Append("<nav><a id=\"jump\" href=\"#L").Append(story.FirstError ?? 0).Append('"').Append(story.FirstError is null ? " hidden" : "")
          .Append(">Jump to first error</a><a href=\"").Append(Ansi.Escape(path + query)).Append("&amp;raw=1\" download>Raw log</a>")
          .Append("<span id=\"live\" class=\"live\" hidden>● live</span>")
          .Append("<input id=\"q\" type=\"search\" placeholder=\"Filter lines\" aria-label=\"Filter lines\" autocomplete=\"off\"></nav>");
        sb.Append("<main id=\"log\"");
        // While it runs, the page follows it from the last event it shows (and, reconnecting, from Last-Event-ID).
        if (d.IsActive) sb.Append(" data-stream=\"").Append(Ansi.Escape($"{path}/events{query}&after={story.LastSeq}")).Append('"');
        sb.Append('>');
        // A pruned deployment says so where its output was (Retention:Output), not that it has none yet.
        if (d.OutputRemoved is { } removed) sb.Append("<p class=\"none\">").Append(Ansi.Escape(removed.Describe())).Append("</p>");
        else if (story.Steps.Count == 0) sb.Append("<p class=\"none\">No output yet.</p>");
        await StepsAsync(context, sb, d, story, start, ct).ConfigureAwait(false);
        sb.Append("</main>");
        LogPageHtml.Script(sb, nonce);
        await FlushAsync(context, sb, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Each step of <paramref name="outline"/> with its lines, read again up to the outline's last event: a second story
    /// without lines says where each step starts, the outline how it ended (a step's end comes after its lines).
    /// </summary>
    private async Task StepsAsync(HttpContext context, StringBuilder sb, Deployment d, LogStory outline, DateTimeOffset start, CancellationToken ct)
    {
        var walk = new LogStory(keepLines: false);
        var inStep = false;
        await foreach (var e in EventsAsync(d.Id, outline.LastSeq, ct).ConfigureAwait(false))
        {
            var change = walk.Add(e);
            if (change is LogStory.Change.NewStep or LogStory.Change.NewStepWithLine)
            {
                if (inStep) sb.Append("</div></details>");
                // Lines pruned between the two reads can shift the groups: the step read now stands in for a missing one.
                var step = outline.Steps.ElementAtOrDefault(walk.Current!.Index) ?? walk.Current;
                LogPageHtml.StepOpen(sb, step, outline.IsOpen(step, d), start);
                inStep = true;
            }
            if (change is LogStory.Change.Line or LogStory.Change.NewStepWithLine) html.Line(sb, e, start);
            if (sb.Length > 64 * 1024) await FlushAsync(context, sb, ct).ConfigureAwait(false);
        }
        if (inStep) sb.Append("</div></details>");
    }

    /// <summary>The token, then the deployment: a wrong token learns nothing of what exists.</summary>
    internal async Task<Deployment?> AllowedAsync(HttpContext context, string app, int number, string? token, CancellationToken ct)
    {
        if (links.CheckDeployment(app, number, token) != LinkCheck.Valid)
        {
            await PageResponse.ForbiddenAsync(context, $"{app} #{number}", $"logs {app} #{number}", ct).ConfigureAwait(false);
            return null;
        }
        var d = await store.FindAsync(app, number, ct).ConfigureAwait(false);
        if (d is null && app != app.ToLowerInvariant()) d = await store.FindAsync(app.ToLowerInvariant(), number, ct).ConfigureAwait(false);
        if (d is null) await PageResponse.NotFoundAsync(context, $"There is no deployment #{number} of {app}.", ct).ConfigureAwait(false);
        return d;
    }

    /// <summary>Every event of a deployment up to <paramref name="upTo"/>, read in batches.</summary>
    internal async IAsyncEnumerable<StoryLine> EventsAsync(long deploymentId, long upTo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var after = 0L;
        while (after < upTo)
        {
            var batch = await store.EventsAsync(deploymentId, after, Batch, ct).ConfigureAwait(false);
            foreach (var e in batch)
            {
                if (e.Seq > upTo) yield break;
                yield return e;
                after = e.Seq;
            }
            if (batch.Count < Batch) yield break;
        }
    }

    private async Task RawAsync(HttpContext context, Deployment d, CancellationToken ct)
    {
        PageResponse.Start(context, StatusCodes.Status200OK, "text/plain; charset=utf-8");
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{d.App}-{d.Number}.log\"";
        var start = d.StartedAt ?? d.CreatedAt;
        var sb = new StringBuilder(16 * 1024);
        sb.Append(html.Plain($"{d.App} #{d.Number} → {d.Env}: {DeploymentFeed.Name(d.State)} · {d.RefLabel} {d.Subject} · {d.Origin.UserName}")).Append('\n');
        if (d.Message is { } message) sb.Append(html.Plain(message)).Append('\n');
        if (d.OutputRemoved is { } removed) sb.Append(removed.Describe()).Append('\n');
        var step = LogStory.Before;
        await foreach (var e in EventsAsync(d.Id, long.MaxValue, ct).ConfigureAwait(false))
        {
            if (e.Kind == LineKind.State) continue;
            if (e.Kind == LineKind.Step && !e.Text.StartsWith(step + " done", StringComparison.Ordinal)) step = e.Text;
            sb.Append(LogPageHtml.Offset(e.At - start)).Append(" [").Append(step).Append("] ").Append(html.Plain(e.Text)).Append('\n');
            if (sb.Length > 64 * 1024) await FlushAsync(context, sb, ct).ConfigureAwait(false);
        }
        await FlushAsync(context, sb, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends what the builder holds, encoded chunk by chunk straight into the response: no string of the whole buffer,
    /// which at 64 KB of text would be a large-object allocation for every flush of a long page.
    /// </summary>
    private static async Task FlushAsync(HttpContext context, StringBuilder sb, CancellationToken ct)
    {
        var writer = context.Response.BodyWriter;
        // One encoder across the chunks: a chunk may end between the two halves of an emoji.
        var encoder = Encoding.UTF8.GetEncoder();
        foreach (var chunk in sb.GetChunks()) encoder.Convert(chunk.Span, writer, flush: false, out _, out _);
        encoder.Convert([], writer, flush: true, out _, out _);
        sb.Clear();
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }
}
