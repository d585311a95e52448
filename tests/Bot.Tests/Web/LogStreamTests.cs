using System.Net;
using Bot.Deployments;

namespace Bot.Tests.Web;

/// <summary>The page's live stream: server-sent events from the store-backed follow, resumed from Last-Event-ID.</summary>
public sealed class LogStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private PageHost _host = null!;

    public async Task InitializeAsync() => _host = await PageHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<SseReader> OpenAsync(Deployment d, string? lastEventId = null, string? after = null)
    {
        var token = Uri.EscapeDataString(_host.Links.DeploymentToken(d.App, d.Number));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/d/{d.App}/{d.Number}/events?t={token}" + (after is null ? "" : $"&after={after}"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(await response.Content.ReadAsStreamAsync());
    }

    [Fact]
    public async Task A_reconnect_resumes_after_Last_Event_ID_and_the_stream_ends_with_the_final_state()
    {
        var d = await _host.RunningAsync();
        await _host.AppendAsync(d, LineKind.Step, "build");
        await _host.AppendAsync(d, LineKind.Output, "line A");
        var b = await _host.AppendAsync(d, LineKind.Output, "line B");
        var c = await _host.AppendAsync(d, LineKind.Output, "line C");

        // Last-Event-ID wins over the page's own `after`.
        using var sse = await OpenAsync(d, lastEventId: b.Seq.ToString(), after: "0");
        var first = await sse.UntilAsync("line", Patience);
        var line = first[^1];
        Assert.Equal(c.Seq.ToString(), line.Id);
        Assert.Contains("line C", line.Data);
        Assert.DoesNotContain(first, e => e.Data.Contains("line A") || e.Data.Contains("line B"));

        var d2 = await _host.AppendAsync(d, LineKind.Output, "line D");
        var next = await sse.UntilAsync("line", Patience);
        Assert.Equal(d2.Seq.ToString(), next[^1].Id);
        Assert.Contains("<div id=\"L" + d2.Seq + "\" class=\"l o\">", next[^1].Data);

        await _host.AppendAsync(d, LineKind.Step, "build done in 4.0s");
        await _host.AppendAsync(d, LineKind.Step, "deploy");
        await _host.AppendAsync(d, LineKind.ErrorOutput, "error: <boom>");
        await _host.FinishAsync(d, DeploymentState.Failed, "The deploy step failed.");
        var rest = await sse.UntilAsync("end", Patience);
        Assert.Contains(rest, e => e.Name == "done" && e.Data == "0|done in 4.0s");
        Assert.Contains(rest, e => e.Name == "step" && e.Data.Contains(">deploy<"));
        Assert.Contains(rest, e => e.Name == "line" && e.Data.Contains("error: &lt;boom&gt;"));
        Assert.Contains(rest, e => e.Name == "firsterror");
        var end = rest[^1];
        Assert.StartsWith("1|<header", end.Data);
        Assert.Contains("failed", end.Data);
        Assert.Null(await sse.NextAsync(Patience));
        var ids = first.Concat(next).Concat(rest).Where(e => e.Id is not null).Select(e => long.Parse(e.Id!)).ToList();
        Assert.Equal(ids.Order().ToList(), ids);
    }

    [Fact]
    public async Task The_stream_of_a_finished_deployment_says_it_ended_at_once()
    {
        var d = await _host.RunningAsync();
        await _host.AppendAsync(d, LineKind.Output, "only line");
        await _host.FinishAsync(d, DeploymentState.Succeeded, null);
        var events = (await _host.Store.EventsAsync(d.Id, 0, 100, default)).ToList();

        using var sse = await OpenAsync(d, lastEventId: events[^1].Seq.ToString());
        var seen = await sse.UntilAsync("end", Patience);
        Assert.StartsWith("|<header id=\"head\" class=\"s-succeeded\">", seen[^1].Data);
        Assert.DoesNotContain(seen, e => e.Name == "line");
    }
}
