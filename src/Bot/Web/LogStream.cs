using System.Globalization;
using System.Text;
using Bot.Deployments;
using Microsoft.AspNetCore.Http;

namespace Bot.Web;

/// <summary>
/// <c>GET /d/&lt;app&gt;/&lt;n&gt;/events?t=</c>: the rest of a running deployment as server-sent events, from the
/// store-backed follow (<see cref="DeploymentFeed.FollowAsync"/>), so it streams a job that any process runs. Each event's
/// <c>id</c> is its sequence number; a reconnect resumes after <c>Last-Event-ID</c>. Events carry ready HTML (escaped,
/// redacted, the same as the page's); <c>end</c> carries the final header and closes the stream.
/// </summary>
public sealed class LogStream(LogPages pages, DeploymentFeed feed, LogPageHtml html, TimeProvider time)
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task StreamAsync(HttpContext context, string app, int number)
    {
        var ct = context.RequestAborted;
        if (await pages.AllowedAsync(context, app, number, context.Request.Query["t"].ToString(), ct).ConfigureAwait(false) is not { } d) return;
        var after = ResumeFrom(context.Request);
        var story = new LogStory();
        await foreach (var e in pages.EventsAsync(d.Id, after, ct).ConfigureAwait(false)) story.Add(e);
        var start = d.StartedAt ?? d.CreatedAt;

        var r = context.Response;
        r.StatusCode = StatusCodes.Status200OK;
        r.ContentType = "text/event-stream; charset=utf-8";
        r.Headers.CacheControl = "no-store";
        r.Headers["X-Accel-Buffering"] = "no";
        r.Headers["X-Content-Type-Options"] = "nosniff";
        using var gate = new SemaphoreSlim(1, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var beats = BeatAsync(r, gate, stop.Token);
        try
        {
            await SendAsync(r, gate, null, null, "retry: 2000", ct).ConfigureAwait(false);
            await foreach (var update in feed.FollowAsync(d.Id, after, ct).ConfigureAwait(false))
            {
                var e = update.Line;
                var now = update.Deployment;
                if (e.Kind == LineKind.State)
                {
                    var head = new StringBuilder();
                    if (now.IsFinished)
                    {
                        var failed = story.End(now);
                        html.Header(head, now, time.GetUtcNow());
                        await SendAsync(r, gate, "end", e.Seq, (failed?.Index.ToString(CultureInfo.InvariantCulture) ?? "") + "|" + head, ct).ConfigureAwait(false);
                        break;
                    }
                    html.Header(head, now, time.GetUtcNow());
                    await SendAsync(r, gate, "head", e.Seq, head.ToString(), ct).ConfigureAwait(false);
                    continue;
                }
                var hadError = story.FirstError;
                var change = story.Add(e);
                var step = story.Current!;
                if (change is LogStory.Change.NewStep or LogStory.Change.NewStepWithLine)
                {
                    var sb = new StringBuilder();
                    LogPageHtml.StepOpen(sb, step, open: true, start);
                    sb.Append("</div></details>");
                    await SendAsync(r, gate, "step", change == LogStory.Change.NewStep ? e.Seq : null, sb.ToString(), ct).ConfigureAwait(false);
                }
                if (change is LogStory.Change.Line or LogStory.Change.NewStepWithLine)
                {
                    var sb = new StringBuilder();
                    html.Line(sb, e, start);
                    await SendAsync(r, gate, "line", e.Seq, sb.ToString(), ct).ConfigureAwait(false);
                }
                if (change == LogStory.Change.StepDone)
                    await SendAsync(r, gate, "done", e.Seq, $"{step.Index.ToString(CultureInfo.InvariantCulture)}|{Ansi.Escape(step.Done ?? "")}", ct).ConfigureAwait(false);
                if (hadError is null && story.FirstError is { } first)
                    await SendAsync(r, gate, "firsterror", null, "L" + first.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page was closed or reloaded.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await beats.ConfigureAwait(false);
        }
    }

    /// <summary><c>Last-Event-ID</c> (a reconnect) wins over <c>after</c> (the page's own last event).</summary>
    public static long ResumeFrom(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].ToString();
        if (text.Length == 0) text = request.Query["after"].ToString();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : 0;
    }

    /// <summary>A comment now and then, so routers (Heroku's drops a quiet connection at 55 s) keep the stream open.</summary>
    private async Task BeatAsync(HttpResponse r, SemaphoreSlim gate, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(KeepAlive, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                await SendAsync(r, gate, null, null, ": keep-alive", ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { /* the stream ended */ }
        catch (IOException) { /* the client went away */ }
    }

    private static async Task SendAsync(HttpResponse r, SemaphoreSlim gate, string? name, long? id, string data, CancellationToken ct)
    {
        var sb = new StringBuilder(data.Length + 48);
        if (name is null) sb.Append(data).Append("\n\n");
        else
        {
            sb.Append("event: ").Append(name).Append('\n');
            if (id is { } seq) sb.Append("id: ").Append(seq.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("data: ").Append(data.Replace("\r", "").Replace("\n", " ")).Append("\n\n");
        }
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await r.WriteAsync(sb.ToString(), ct).ConfigureAwait(false);
            await r.Body.FlushAsync(ct).ConfigureAwait(false);
        }
        finally { gate.Release(); }
    }
}
