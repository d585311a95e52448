using Bot.Configuration;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>logs, history and status of a Cloud Run service, and the app's keys, each checked against the fake APIs.</summary>
public sealed class CloudRunVerbTests : IAsyncLifetime
{
    private CloudRunRig _rig = null!;

    public async Task InitializeAsync() => _rig = await CloudRunRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Logs_list_the_services_entries_newest_last_and_fit_them_to_chat()
    {
        _rig.Google.AddRevisionLogs("site", "site-00002-bbb", "GET /items 200", "GET /cart 200", "Error: connection reset", "GET / 200");
        _rig.Google.AddRevisionLogs("other", "other-00001-aaa", "not this service");

        var result = await _rig.Bot.SendAsync("logs site 3");

        var lines = Assert.Single(result.Messages).Lines!;
        Assert.Equal(3, lines.Count);
        Assert.EndsWith(" GET /cart 200", lines[0]);
        Assert.EndsWith(" ❗ Error: connection reset", lines[1]);
        Assert.EndsWith(" GET / 200", lines[2]);
        Assert.Matches(@"^\d\d:\d\d:\d\d ", lines[0]);
        var call = Assert.Single(_rig.Google.Calls("logging", "POST", "entries:list")).Body!;
        Assert.Equal("timestamp desc", call["orderBy"]!.GetValue<string>());
        Assert.Equal(3, call["pageSize"]!.GetValue<int>());
        Assert.Contains("resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"site\"", call["filter"]!.GetValue<string>());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_request_log_shows_its_request_never_an_empty_line()
    {
        _rig.Google.AddRevisionLogs("site", "site-00002-bbb", "Listening on 8080");
        _rig.Google.AddRequestLog("site", "site-00002-bbb", "GET", "/items?page=2", 200);

        var lines = Assert.Single((await _rig.Bot.SendAsync("logs site 10")).Messages).Lines!;

        Assert.Equal(2, lines.Count);
        Assert.EndsWith(" Listening on 8080", lines[0]);
        Assert.EndsWith(" GET 200 /items?page=2 0.012s", lines[1]);
        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d \S", l));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Status_names_a_not_ready_revisions_reason_once()
    {
        const string reason = "The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.";
        _rig.Service.NextRevisionFails = reason;
        var d = await _rig.DeployAsync();

        var status = await _rig.Bot.SendAsync("status site");

        var text = string.Join("\n", status.Messages.SelectMany(m => (m.Lines ?? []).Prepend(m.Text)));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "failed to start and listen"));
        Assert.Contains($"Cloud Run site (asia-northeast1): ❌ CONDITION_FAILED: Revision 'site-d{d.Number}-{_rig.Short}' is not ready and cannot serve traffic. {reason}", text);
        Assert.Contains($"Newest revision site-d{d.Number}-{_rig.Short} is not ready (the latest ready one is site-00002-bbb).", text);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Logs_with_grep_and_since_filter_in_cloud_logging()
    {
        _rig.Google.AddRevisionLogs("site", "site-00002-bbb", "GET /items 200", "Error: connection reset");

        var result = await _rig.Bot.SendAsync("logs site since 30m grep error");

        var line = Assert.Single(Assert.Single(result.Messages).Lines!);
        Assert.Contains("Error: connection reset", line);
        var filter = Assert.Single(_rig.Google.Calls("logging", "POST", "entries:list")).Body!["filter"]!.GetValue<string>();
        Assert.Contains("textPayload:\"error\"", filter);
        Assert.Contains("timestamp>=\"", filter);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task History_lists_revisions_with_their_share_sha_and_image_and_status_shows_url_and_split()
    {
        var d = await _rig.DeployAsync();

        var history = await _rig.Bot.SendAsync("history site");
        var status = await _rig.Bot.SendAsync("status site");

        var releases = history.Messages.Single(m => m.LinesTitle == "releases").Lines!;
        Assert.StartsWith($"{d.Release} ← live · 100% · {_rig.Short} · ", releases[0]);
        Assert.Contains("· #1 ·", releases[0]);
        Assert.StartsWith("site-00002-bbb · 0% · ", releases[1]);
        var text = string.Join("\n", status.Messages.SelectMany(m => (m.Lines ?? []).Prepend(m.Text)));
        Assert.Contains($"Cloud Run site (asia-northeast1): ✅ ready · {_rig.Service.Uri}", text);
        Assert.Contains($"Traffic: {d.Release} 100% (latest)", text);
        _rig.Google.AssertNoViolations();
    }

    [Theory]
    [InlineData("Apps:site:CloudRun:Project", null, "Apps:site:CloudRun:Project: missing")]
    [InlineData("Apps:site:CloudRun:Region", "Tokyo", "'Tokyo' is not a Cloud Run region")]
    [InlineData("Apps:site:CloudRun:Canary", "150", "should be a percent between 1 and 99")]
    [InlineData("Apps:site:CloudRun:Substitutions:tag", "x", "a user substitution starts with '_'")]
    [InlineData("Apps:site:CloudRun:Servise", "x", "Apps:site:CloudRun:Servise: unknown key; did you mean Service?")]
    [InlineData("Apps:site:CloudRun:GitUrl", "git@github.com:acme/site.git", "is not an https URL Cloud Build can clone")]
    public void A_wrong_or_missing_key_stops_startup_naming_it(string key, string? value, string expected)
    {
        var config = CloudRunRig.Config(_rig.Google, _rig.Repo.Path, _rig.Bot.DataDir);
        config[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var catalog = AppCatalog.Load(configuration, ["cloudrun"]);
        var target = new Bot.Targets.CloudRun.CloudRunTarget(null!, null!, null!, Bot.Targets.CloudRun.CloudRunOptions.From(configuration), TimeProvider.System);

        var e = Assert.Throws<ConfigException>(() => target.Validate(catalog.Find("site")!.Default));

        Assert.Contains(expected, e.Message);
    }
}
