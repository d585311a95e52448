using System.Net;
using Bot.Tests.Deployments.Stats;
using Bot.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Web;

/// <summary>
/// <c>/s/…</c>: the month of <see cref="StatsSeed"/> on the page, under the log page's link rules, and in headless
/// Chromium at 360×740 with no horizontal scroll, a chart per figure and the numbers worked out by hand.
/// </summary>
public sealed class StatsPageTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("stats-page");
    private PageHost _host = null!;

    public async Task InitializeAsync()
    {
        // Real repositories that lack the seeded commits: git is asked, and cannot say (lead time unknown).
        var web = new GitRepo(_dir["web"]);
        web.Commit("First", ("a.txt", "1"));
        var api = new GitRepo(_dir["api"]);
        api.Commit("First", ("a.txt", "1"));
        _host = await PageHost.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "shell", ["Apps:web:Repository"] = web.Path, ["Apps:web:Shell:Deploy"] = "true",
            ["Apps:web:Environments:0"] = "production", ["Apps:web:Environments:1"] = "staging",
            ["Apps:api:Target"] = "shell", ["Apps:api:Repository"] = api.Path, ["Apps:api:Shell:Deploy"] = "true",
        });
        // The seeded month ends now, on the page's clock.
        await StatsSeed.SeedAsync(_host.Store, _host.Time.GetUtcNow() - StatsSeed.Now);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private string PathOf(string? app, string env = "production", int days = 30, string? token = null) =>
        $"{Bot.Security.LogLinks.StatsPath(app, env, days)}?t={Uri.EscapeDataString(token ?? _host.Links.StatsToken(app, env, days))}";

    [Fact]
    public async Task A_good_token_shows_the_five_figures_with_their_counts_and_a_chart_each_under_the_log_pages_csp()
    {
        var response = await _host.Client.GetAsync(PathOf("web"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'; style-src 'nonce-", csp);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>web · production · last 30 days</h1>", html);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(html, "<svg id=\"c\\d\" class=\"chart\"").Count);
        Assert.Contains("<b class=\"value\">1.4/week</b> <span class=\"better\">↑ better</span> <span class=\"was\">was 0.2/week</span>", html);
        Assert.Contains("<b class=\"value\">50%</b> <span class=\"worse\">↑ worse</span>", html);
        Assert.Contains("<b class=\"value\">2h 52m</b>", html);
        Assert.Contains("<b class=\"value\">33%</b>", html);
        Assert.Contains("Change fail: 3 of 6 (0 of 1): 1 failed, 1 put back, 1 rolled back", html);
        // The repository cannot be read: lead time is unknown for the three deploys that went live, and says so.
        Assert.Contains("Lead time: 0 measured (0), 3 unknown (1)", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("style=\"", html);
    }

    [Fact]
    public async Task The_page_of_all_apps_pools_them()
    {
        var html = await _host.Client.GetStringAsync(PathOf(null));
        Assert.Contains("<h1>all apps · production · last 30 days</h1>", html);
        Assert.Contains("Deploys: 7 (1), failed ones included", html);
    }

    [Fact]
    public async Task A_bad_another_or_no_token_and_an_expired_one_get_the_log_pages_403()
    {
        var good = _host.Links.StatsToken("web", "production", 30);
        var tampered = good[..^2] + (good[^2] == 'A' ? "BA" : "AA");
        foreach (var path in new[] { PathOf("web", token: tampered), PathOf("web", token: _host.Links.StatsToken("api", "production", 30)),
                     PathOf("web", token: _host.Links.StatsToken("web", "production", 7)), Bot.Security.LogLinks.StatsPath("web", "production", 30) })
        {
            var response = await _host.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("The link to the stats of web in production has expired", html);
            Assert.Contains("<code>stats web 30d in production</code>", html);
        }
        var path30 = PathOf("web");
        _host.Time.Advance(_host.Links.Lifetime + TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Client.GetAsync(path30)).StatusCode);
    }

    [Fact]
    public async Task A_signed_link_to_what_is_not_configured_or_a_period_not_offered_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync(PathOf("shop"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync(PathOf("api", env: "staging"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync(PathOf("web", days: 14))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync(PathOf(null, env: "qa"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync(PathOf("web", env: "staging", days: 7))).StatusCode);
    }

    [Fact]
    public async Task In_Chromium_at_360_px_there_is_no_horizontal_scroll_the_charts_show_and_the_numbers_are_there()
    {
        var server = (TestServer)_host.Host.Services.GetRequiredService<IServer>();
        await using var loopback = await LoopbackHandler.StartAsync(server.CreateHandler(), new Uri("http://localhost/"));
        await using var browser = await Chromium.StartAsync(360, 740);
        await browser.NavigateAsync(new Uri(loopback.Url, PathOf("web")).ToString());
        Assert.True((await browser.EvaluateAsync(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth && document.documentElement.clientWidth === 360"))!.GetValue<bool>());
        // Each chart is drawn: as wide as its card (and no wider than the screen), with a height, and bars in it.
        var charts = (await browser.EvaluateAsync(
            "[...document.querySelectorAll('svg.chart')].map(s => { const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), s.querySelectorAll('rect').length, Math.round(r.right)]; })"))!.AsArray();
        Assert.Equal(5, charts.Count);
        Assert.All(charts, c =>
        {
            Assert.InRange(c![0]!.GetValue<int>(), 280, 340);
            Assert.InRange(c[1]!.GetValue<int>(), 100, 160);
            Assert.Equal(9, c[2]!.GetValue<int>());
            Assert.True(c[3]!.GetValue<int>() <= 360);
        });
        // The page's own style applied (the CSP let it through): the figures are bold and the cards have a border.
        Assert.Equal("1px", (await browser.EvaluateAsync("getComputedStyle(document.querySelector('.fig')).borderTopWidth"))!.GetValue<string>());
        var text = (await browser.EvaluateAsync("document.body.innerText"))!.GetValue<string>();
        foreach (var number in new[] { "1.4/week", "50%", "2h 52m", "33%", "Lead time (median)" })
            Assert.Contains(number, text);
        if (Environment.GetEnvironmentVariable("STATS_PAGE_SCREENSHOT") is { Length: > 0 } shot)
            await File.WriteAllBytesAsync(shot, await browser.ScreenshotAsync());
    }
}
