using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Bot.Deployments;
using Bot.Security;
using Bot.Web;

namespace Bot.Tests.Web;

/// <summary>The signed log page through the whole web app: who gets in, what the page shows, and what it never lets through.</summary>
public sealed partial class LogPageTests : IAsyncLifetime
{
    private PageHost _host = null!;

    public async Task InitializeAsync() => _host = await PageHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Deployment> FailedAsync()
    {
        var d = await _host.RunningAsync();
        await _host.AppendAsync(d, LineKind.Step, "build");
        await _host.AppendAsync(d, LineKind.Output, "compiling \u001b[32mok\u001b[0m");
        await _host.AppendAsync(d, LineKind.Step, "build done in 2.0s");
        await _host.AppendAsync(d, LineKind.Step, "deploy");
        await _host.AppendAsync(d, LineKind.Output, "<script>alert('pwned')</script>");
        await _host.AppendAsync(d, LineKind.ErrorOutput, $"error: token {PageHost.Hidden} refused");
        await _host.FinishAsync(d, DeploymentState.Failed, "The deploy step failed (exit code 1).");
        return d;
    }

    [Fact]
    public async Task A_good_token_shows_the_card_and_the_steps_with_the_failing_one_open()
    {
        var d = await FailedAsync();
        var response = await _host.Client.GetAsync(_host.PathOf(d));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("web #1 → production: failed", html);
        Assert.Contains("main@3f2a1c9", html);
        Assert.Contains("by alice", html);
        Assert.Contains("The deploy step failed (exit code 1).", html);
        Assert.Matches("<details id=\"S0\" class=\"step\"><summary>", html);
        Assert.Contains("<details id=\"S1\" class=\"step fail\" open>", html);
        Assert.Contains("<span class=\"f2\">ok</span>", html);
        Assert.Contains("Jump to first error", html);
        Assert.Contains("Filter lines", html);
        Assert.DoesNotContain("data-stream", html);
    }

    [Fact]
    public async Task After_a_put_back_the_step_that_failed_is_the_one_open_not_the_lines_that_followed()
    {
        var d = await _host.RunningAsync();
        await _host.AppendAsync(d, LineKind.Step, "build");
        await _host.AppendAsync(d, LineKind.Step, "build done in 0.6s");
        await _host.AppendAsync(d, LineKind.Step, "health");
        await _host.AppendAsync(d, LineKind.Output, "curl: (7) connection refused");
        await _host.AppendAsync(d, LineKind.Step, "restore");
        await _host.AppendAsync(d, LineKind.Step, "restore done in 0.1s");
        await _host.AppendAsync(d, LineKind.Step, "health");
        await _host.AppendAsync(d, LineKind.Step, "health done in 1.7s");
        await _host.AppendAsync(d, LineKind.Notice, "The previous release is back and healthy.");
        await _host.FinishAsync(d, DeploymentState.Failed, "Health check failed for 20s.");

        var html = await (await _host.Client.GetAsync(_host.PathOf(d))).Content.ReadAsStringAsync();

        Assert.Contains("<details id=\"S1\" class=\"step fail\" open>", html);
        Assert.Contains("<details id=\"S4\" class=\"step\">", html);
        Assert.Single(Regex.Matches(html, "class=\"step fail\""));
    }

    [Fact]
    public async Task Hostile_output_is_escaped_secrets_are_redacted_and_only_the_nonced_script_runs()
    {
        var d = await FailedAsync();
        var response = await _host.Client.GetAsync(_host.PathOf(d));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;", html);
        Assert.Contains("Fix the login &lt;b&gt;form&lt;/b&gt;", html);
        Assert.DoesNotContain(PageHost.Hidden, html);
        Assert.Contains(Redactor.Mask, html);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var nonce = Nonce().Match(csp).Groups[1].Value;
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains($"script-src 'nonce-{nonce}'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal(1, Regex.Count(html, "<script"));
        Assert.Contains($"<script nonce=\"{nonce}\">", html);
        Assert.Contains($"<style nonce=\"{nonce}\">", html);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));

        var again = await _host.Client.GetAsync(_host.PathOf(d));
        Assert.NotEqual(nonce, Nonce().Match(Assert.Single(again.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value);
    }

    [Fact]
    public async Task A_pushed_deploy_that_waits_for_its_checks_is_shown_waiting_not_running_and_a_promotion_names_its_source()
    {
        var origin = new Origin("slack", "C1", null, "github:ana", "ana");
        var waiting = Assert.IsType<Enqueued>(await _host.Store.EnqueueAsync(new NewDeployment("web", "production", DeploymentKind.Deploy, "main",
            "3f2a1c9d00000000000000000000000000000000", "Fix", origin, null, false, _host.Time.GetUtcNow()) { Waits = true, Via = "webhook" }, default)).Deployment;
        _host.Time.Advance(TimeSpan.FromMinutes(2));
        var html = await (await _host.Client.GetAsync(_host.PathOf(waiting))).Content.ReadAsStringAsync();
        Assert.Contains("waiting for 2m 00s", html, StringComparison.Ordinal);
        Assert.DoesNotContain("running for", html, StringComparison.Ordinal);

        var promotion = Assert.IsType<Enqueued>(await _host.Store.EnqueueAsync(new NewDeployment("api", "production", DeploymentKind.Promote, "main",
            "3f2a1c9d00000000000000000000000000000000", "Fix", origin, "slug-1", false, _host.Time.GetUtcNow()) { PromoteFrom = "staging" }, default)).Deployment;
        html = await (await _host.Client.GetAsync(_host.PathOf(promotion))).Content.ReadAsStringAsync();
        Assert.Contains("<code>main@3f2a1c9 from staging</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_gets_a_403_page_that_says_how_to_get_a_fresh_link()
    {
        var d = await FailedAsync();
        var path = _host.PathOf(d);
        _host.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromHours(2));
        var response = await _host.Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<code>logs web #1</code>", html);
        Assert.DoesNotContain("compiling", html);
        Assert.Contains("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task A_tampered_token_a_token_of_another_deployment_and_no_token_are_refused()
    {
        var d = await FailedAsync();
        var good = _host.Links.DeploymentToken(d.App, d.Number);
        var expiry = long.Parse(good.Split('.')[0]);
        var tampered = new[]
        {
            good[..^1] + (good[^1] == 'A' ? 'B' : 'A'),
            $"{expiry + 86400}.{good.Split('.')[1]}",
            _host.Links.DeploymentToken(d.App, d.Number + 1),
            _host.Links.DeploymentToken("api", d.Number),
            LinkToken.Sign(new byte[32], LinkToken.Deployment(d.App, d.Number), _host.Time.GetUtcNow().AddDays(1)),
            "",
            "garbage",
        };
        foreach (var token in tampered)
        {
            var response = await _host.Client.GetAsync(_host.PathOf(d, token));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"token '{token}' got {response.StatusCode}");
            Assert.DoesNotContain("compiling", await response.Content.ReadAsStringAsync());
            var raw = await _host.Client.GetAsync(_host.PathOf(d, token) + "&raw=1");
            Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
            var stream = await _host.Client.GetAsync($"/d/web/{d.Number}/events?t={Uri.EscapeDataString(token)}");
            Assert.Equal(HttpStatusCode.Forbidden, stream.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync(_host.PathOf(d, good))).StatusCode);
    }

    [Fact]
    public async Task A_made_up_path_is_not_repeated_as_advice()
    {
        var response = await _host.Client.GetAsync("/d/" + Uri.EscapeDataString("web visit evil.example and type") + "/1?t=x");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("evil", html);
        Assert.Contains("<code>logs &lt;app&gt; #&lt;number&gt;</code>", html);
    }

    [Fact]
    public async Task Nothing_else_under_d_answers_and_there_is_no_listing()
    {
        var d = await FailedAsync();
        var token = Uri.EscapeDataString(_host.Links.DeploymentToken(d.App, d.Number));
        foreach (var path in new[] { "/d/", "/d", "/d/web", $"/d/web/?t={token}", $"/d/web/x?t={token}", "/a/", "/a/1" })
        {
            var response = await _host.Client.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{path} got {response.StatusCode}");
            Assert.DoesNotContain("compiling", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_raw_download_is_plain_redacted_text_without_escapes()
    {
        var d = await FailedAsync();
        var response = await _host.Client.GetAsync(_host.PathOf(d) + "&raw=1");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Contains("[build] compiling ok", text);
        Assert.Contains("[deploy] <script>alert('pwned')</script>", text);
        Assert.DoesNotContain("\u001b", text);
        Assert.DoesNotContain(PageHost.Hidden, text);
    }

    [Fact]
    public async Task A_running_deployment_page_follows_from_its_last_event()
    {
        var d = await _host.RunningAsync();
        await _host.AppendAsync(d, LineKind.Step, "build");
        var last = await _host.AppendAsync(d, LineKind.Output, "step one");
        var html = await _host.Client.GetStringAsync(_host.PathOf(d));

        Assert.Contains($"/d/web/{d.Number}/events?t=", html);
        Assert.Contains($"&amp;after={last.Seq}\"", html);
        Assert.Contains("<details id=\"S0\" class=\"step\" open>", html);
    }

    [Fact]
    public async Task The_alert_page_shows_what_fired_and_the_lines_of_the_deployment_it_followed()
    {
        var d = await FailedAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(3));
        var (alert, _) = await _host.Store.RecordAlertAsync(new Alert("generic", "web", "production", AlertSeverity.Critical, "Error rate <above> 5%",
            "p99 4s", "https://grafana.example.com/d/1", "errors", false, _host.Time.GetUtcNow()), TimeSpan.FromMinutes(30), false, default);
        var response = await _host.Client.GetAsync($"/a/{alert.Id}?t={Uri.EscapeDataString(_host.Links.AlertToken(alert.Id))}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Error rate &lt;above&gt; 5%", html);
        Assert.Contains("critical · firing · 1 time", html);
        Assert.Contains($"href=\"/d/web/{d.Number}?t=", html);
        Assert.Contains("refused", html);
        Assert.DoesNotContain(PageHost.Hidden, html);
        Assert.Contains("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));

        var wrong = await _host.Client.GetAsync($"/a/{alert.Id}?t={Uri.EscapeDataString(_host.Links.AlertToken(alert.Id + 1))}");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.DoesNotContain("Error rate", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_long_log_read_in_batches_renders_the_same_steps_as_the_whole_story_at_once()
    {
        // Over a batch of events per step, lines before the first step and after one ended, a step without lines, the
        // failed step last: the page (an outline first, then the lines written as read) against the whole story's HTML.
        var d = await _host.RunningAsync();
        for (var i = 0; i < 3; i++) await _host.AppendAsync(d, LineKind.Notice, $"waiting for the lock ({i})");
        await _host.AppendAsync(d, LineKind.Step, "build");
        for (var i = 0; i < 1500; i++) await _host.AppendAsync(d, i % 400 == 399 ? LineKind.ErrorOutput : LineKind.Output, $"\u001b[32m#{i}\u001b[0m <compile> unit {i}");
        await _host.AppendAsync(d, LineKind.Step, "build done in 25m 0s");
        for (var i = 0; i < 5; i++) await _host.AppendAsync(d, LineKind.Output, $"uploading part {i}");
        await _host.AppendAsync(d, LineKind.Step, "test");
        await _host.AppendAsync(d, LineKind.Step, "test done in 1s");
        await _host.AppendAsync(d, LineKind.Step, "deploy");
        for (var i = 0; i < 1200; i++) await _host.AppendAsync(d, LineKind.Output, i == 1100 ? "error: rollout stuck" : $"waiting for rollout {i}");
        await _host.FinishAsync(d, DeploymentState.Failed, "The deploy step failed (exit code 1).");

        var (expected, story) = await WholeStoryAsync(d);
        var page = await _host.Client.GetStringAsync(_host.PathOf(d));

        Assert.Equal(["prepare", "build", "after build", "test", "deploy"], story.Steps.Select(s => s.Name));
        Assert.Equal(expected, LogMain().Match(page).Groups[1].Value);
        Assert.Contains($"<a id=\"jump\" href=\"#L{story.FirstError}\">", page);
        Assert.Contains("<details id=\"S4\" class=\"step fail\" open>", page);
    }

    [Fact]
    public async Task A_long_running_log_renders_the_same_steps_as_the_whole_story_and_follows_from_its_last_event()
    {
        var d = await _host.RunningAsync();
        await _host.AppendAsync(d, LineKind.Step, "build");
        for (var i = 0; i < 1100; i++) await _host.AppendAsync(d, LineKind.Output, $"unit {i}");
        await _host.AppendAsync(d, LineKind.Step, "build done in 18m 20s");
        await _host.AppendAsync(d, LineKind.Step, "deploy");
        var last = await _host.AppendAsync(d, LineKind.Output, "rolling out");

        var (expected, story) = await WholeStoryAsync(d);
        var page = await _host.Client.GetStringAsync(_host.PathOf(d));

        Assert.Equal(expected, LogMain().Match(page).Groups[1].Value);
        Assert.Contains($"&amp;after={last.Seq}\"", page);
        Assert.Contains("<details id=\"S1\" class=\"step\" open>", page);
        Assert.Contains("<a id=\"jump\" href=\"#L0\" hidden>", page);
        Assert.Null(story.FirstError);
    }

    /// <summary>The steps as the page drew them before it streamed: every event in one story, then each step whole.</summary>
    private async Task<(string Html, LogStory Story)> WholeStoryAsync(Deployment d)
    {
        d = (await _host.Store.GetAsync(d.Id, default))!;
        var events = new List<StoryLine>();
        for (IReadOnlyList<StoryLine> batch; (batch = await _host.Store.EventsAsync(d.Id, events.Count > 0 ? events[^1].Seq : 0, 500, default)).Count > 0;)
            events.AddRange(batch);
        var story = LogStory.Of(events);
        story.End(d);
        var html = _host.Host.Get<LogPageHtml>();
        var sb = new StringBuilder();
        foreach (var step in story.Steps) html.Step(sb, step, story.IsOpen(step, d), d.StartedAt ?? d.CreatedAt);
        return (sb.ToString(), story);
    }

    [GeneratedRegex("<main id=\"log\"[^>]*>(.*)</main>", RegexOptions.Singleline)]
    private static partial Regex LogMain();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
