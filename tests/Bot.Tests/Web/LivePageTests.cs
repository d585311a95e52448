using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bot.Deployments;
using Bot.Tests.Deployments;
using Bot.Tests.Support;

namespace Bot.Tests.Web;

/// <summary>
/// Real processes on one PostgreSQL: a <c>worker</c> runs the deploy and posts the Slack card, a <c>serve --no-worker</c>
/// answers the card's Full log link. The page streams what the worker's target prints, and ends with the final state;
/// in headless Chromium at 360×740 it does so without horizontal scrolling, with the failing step open.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class LivePageTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    public const string LiveLine = "LIVE-LINE-FROM-TARGET";

    private sealed record Live(ProcessRig Rig, TempDir Apps, int Port, string Link, BotProcess Worker) : IAsyncDisposable
    {
        public void Release(string gate) => File.WriteAllText(Apps[gate], "");

        public async ValueTask DisposeAsync()
        {
            await Rig.DisposeAsync();
            Apps.Dispose();
        }
    }

    private async Task<Live> StartAsync()
    {
        var apps = new TempDir("live-apps");
        var repo = new GitRepo(apps["live-repo"]);
        var script = $$"""
            echo "starting to deploy"
            printf '\033[1;32mgreen and bold\033[0m then one long word: %s\n' "$(printf 'x%.0s' $(seq 1 300))"
            echo "<script>document.title='pwned'</script>"
            while [ ! -f '{{apps["one"]}}' ]; do sleep 0.05; done
            echo "{{LiveLine}}"
            while [ ! -f '{{apps["two"]}}' ]; do sleep 0.05; done
            echo "error: the new release did not start" >&2
            exit 1
            """;
        repo.Commit("App", ("deploy.sh", script));
        var config = new JsonObject { ["live"] = new JsonObject { ["Target"] = "shell", ["Repository"] = repo.Path, ["Shell"] = new JsonObject { ["Deploy"] = "sh deploy.sh" } } };
        var rig = await ProcessRig.StartAsync(await postgres.NewDatabaseUrlAsync(), config);
        rig.Extra["LOG_LINK_SECRET"] = PageHost.Secret;
        var (_, port) = await rig.ServeAsync("web", "--no-worker");
        rig.Extra["BOT_PUBLIC_URL"] = $"http://127.0.0.1:{port}";
        var worker = rig.Worker("w");
        Assert.True((await rig.CommandAsync(port, ProcessRig.Deploy("live"))).IsSuccessStatusCode);
        var link = await ProcessRig.UntilAsync(() => Task.FromResult(FullLogLink(rig)), Patience, "a card with a Full log link");
        return new Live(rig, apps, port, link, worker);
    }

    /// <summary>The Full log link of the card's latest text, as Slack would show it.</summary>
    private static string? FullLogLink(ProcessRig rig) =>
        rig.Slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update")
            .SelectMany(c => Strings(c.Args)).Select(s => FullLog().Match(s)).LastOrDefault(m => m.Success)?.Groups[1].Value;

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [Fact]
    public async Task A_job_run_by_another_process_streams_to_the_page_of_this_one_until_it_ends()
    {
        await using var live = await StartAsync();
        await using var store = live.Rig.Store();
        var d = await ProcessRig.UntilAsync(async () => await store.FindAsync("live", 1, default) is { State: DeploymentState.Running } r ? r : null, Patience, "live #1 to run");
        Assert.Same(live.Worker, await ProcessRig.UntilAsync(() => live.Rig.RunnerOfAsync(d.Id), Patience, "the worker to hold the job"));
        Assert.StartsWith($"http://127.0.0.1:{live.Port}/d/live/1?t=", live.Link);

        using var http = new HttpClient { Timeout = Patience };
        var page = await http.GetAsync(live.Link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var stream = Regex.Match(await page.Content.ReadAsStringAsync(), "data-stream=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");
        Assert.StartsWith("/d/live/1/events?t=", stream);

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{live.Port}{stream}"), HttpCompletionOption.ResponseHeadersRead);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        live.Release("one");
        var lines = new List<SseEvent>();
        while (!lines.Any(e => e.Data.Contains(LiveLine))) lines.AddRange(await sse.UntilAsync("line", Patience));
        live.Release("two");
        var end = (await sse.UntilAsync("end", Patience))[^1];
        Assert.Contains("failed", end.Data);
        Assert.Null(await sse.NextAsync(Patience));
    }

    [Fact]
    public async Task In_Chromium_at_360_px_the_card_link_shows_lines_as_they_come_and_the_final_state_without_horizontal_scroll()
    {
        await using var live = await StartAsync();
        await using var browser = await Chromium.StartAsync(360, 740);
        await browser.NavigateAsync(live.Link);
        await browser.EvaluateAsync(Until("document.body.textContent.includes('starting to deploy')"), Patience);
        Assert.True(await NoHorizontalScrollAsync(browser));
        Assert.Equal("", (await browser.EvaluateAsync("document.querySelector('#live').hidden ? 'hidden' : ''"))!.GetValue<string>());

        var appeared = browser.EvaluateAsync(Until($"document.body.textContent.includes('{LiveLine}')"), Patience);
        live.Release("one");
        await appeared;

        var ended = browser.EvaluateAsync(Until("document.body.dataset.state === 'ended'"), Patience);
        live.Release("two");
        await ended;
        Assert.True((await browser.EvaluateAsync("!!document.querySelector('details.fail[open]') && document.querySelectorAll('details.step[open]').length === 1"))!.GetValue<bool>());
        Assert.Contains("failed", (await browser.EvaluateAsync("document.querySelector('#head h1').textContent"))!.GetValue<string>());
        Assert.Contains("the new release did not start", (await browser.EvaluateAsync("document.querySelector('details.fail').textContent"))!.GetValue<string>());
        Assert.NotEqual("pwned", (await browser.EvaluateAsync("document.title"))!.GetValue<string>());
        Assert.True(await NoHorizontalScrollAsync(browser));
        if (Environment.GetEnvironmentVariable("LOG_PAGE_SCREENSHOT") is { Length: > 0 } shot)
            await File.WriteAllBytesAsync(shot, await browser.ScreenshotAsync());
    }

    private static async Task<bool> NoHorizontalScrollAsync(Chromium browser) =>
        (await browser.EvaluateAsync("document.documentElement.scrollWidth <= document.documentElement.clientWidth && document.documentElement.clientWidth === 360"))!.GetValue<bool>();

    /// <summary>A promise that resolves when <paramref name="condition"/> holds, checked on every change of the page.</summary>
    private static string Until(string condition) =>
        $"new Promise(r => {{ const f = () => {{ if ({condition}) {{ o.disconnect(); r(true); }} }}; const o = new MutationObserver(f); o.observe(document, {{ subtree: true, childList: true, attributes: true, characterData: true }}); f(); }})";

    [GeneratedRegex(@"<(https?://[^|>]+)\|Full log>")]
    private static partial Regex FullLog();
}
