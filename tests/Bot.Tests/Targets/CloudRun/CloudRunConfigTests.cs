using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Security;
using Bot.Targets.CloudRun;
using Bot.Targets.Config;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// <c>config site</c> and <c>config set|unset site …</c> on Cloud Run: the service's container env, listed by fingerprint or
/// secret reference with the revision each value came in, and changed as a new revision that gets all the traffic.
/// </summary>
public sealed class CloudRunConfigTests : IAsyncLifetime
{
    private const string DbUrl = "postgres://site:s3cret-pass@db.internal/site";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private CloudRunRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await CloudRunRig.StartAsync(arrange: google =>
        {
            // GREETING was "hi" at first, DATABASE_URL came from Secret Manager in 00002, FEATURE_X in 00003 (serving),
            // and 00004 never got ready.
            var s = google.Service("site");
            var greeting = Plain("GREETING", "hello");
            var secret = new JsonObject { ["name"] = "DATABASE_URL", ["valueSource"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["secret"] = "site-db-url", ["version"] = "3" } } };
            var feature = Plain("FEATURE_X", "on");
            s.Template["containers"]![0]!["env"] = Env(greeting, secret, feature);
            s.Revisions.Clear();
            s.Revisions.Add(Revision(s, "site-00001-aaa", T0, Env(Plain("GREETING", "hi"))));
            s.Revisions.Add(Revision(s, "site-00002-bbb", T0.AddHours(1), Env(greeting, secret)));
            s.Revisions.Add(Revision(s, "site-00003-ccc", T0.AddHours(2), Env(greeting, secret, feature)));
            s.Revisions.Add(Revision(s, "site-00004-ddd", T0.AddHours(3), Env(Plain("GREETING", "broken"))) with { Ready = false, Message = "failed to start" });
            s.Traffic = [new JsonObject { ["type"] = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", ["revision"] = "site-00003-ccc", ["percent"] = 100 }];
        });
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_listing_has_names_fingerprints_secret_references_and_the_revision_each_came_in_never_a_value()
    {
        var fingerprints = _rig.Bot.Services.GetRequiredService<ConfigSeal>().Fingerprints;

        var listing = await Target.ReadConfigAsync(App, fingerprints, default);

        Assert.Equal("Cloud Run service env", listing.Note);
        Assert.Equal(
            [
                new ConfigVar("DATABASE_URL", null, "secret site-db-url:3", T0.AddHours(1), "site-00002-bbb"),
                new ConfigVar("FEATURE_X", fingerprints.Of("FEATURE_X", "on"), null, T0.AddHours(2), "site-00003-ccc"),
                new ConfigVar("GREETING", fingerprints.Of("GREETING", "hello"), null, T0.AddHours(1), "site-00002-bbb"),
            ], listing.Vars);

        var said = string.Join('\n', (await _rig.Bot.SendAsync("config site")).Messages.Select(m => m.Text));
        Assert.Contains("• DATABASE_URL → secret site-db-url:3 · site-00002-bbb", said);
        Assert.Contains($"• GREETING `{fingerprints.Of("GREETING", "hello")}` · site-00002-bbb", said);
        Assert.DoesNotContain("hello", said);
        Assert.DoesNotContain("\"on\"", said);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_set_makes_a_revision_with_the_env_changed_and_everything_else_kept_and_verifies_its_traffic()
    {
        var d = await ChangeAsync(new ConfigChange(new Dictionary<string, string> { ["GREETING"] = "bonjour", ["NEW_FLAG"] = "yes" }, []));

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        var made = _rig.Service.Revisions[^1];
        Assert.Equal($"site-d{d.Number}-config", d.Release);
        Assert.Equal(made.Name, d.Release);
        Assert.Equal(_rig.Service.Uri, d.Url);
        Assert.Equal(new Dictionary<string, int> { [made.Name] = 100 }, _rig.Traffic());
        var container = _rig.Service.Template["containers"]![0]!;
        var env = container["env"]!.AsArray();
        Assert.Equal(["GREETING", "DATABASE_URL", "FEATURE_X", "NEW_FLAG"], env.Select(e => e!["name"]!.GetValue<string>()));
        Assert.Equal(["bonjour", null, "on", "yes"], env.Select(e => e!["value"]?.GetValue<string>()));
        Assert.Equal("site-db-url", env[1]!["valueSource"]!["secretKeyRef"]!["secret"]!.GetValue<string>());
        Assert.Equal(env.ToJsonString(), made.Containers![0]!["env"]!.ToJsonString());
        Assert.Equal("asia-docker.pkg.dev/acme-prod/apps/site:old", container["image"]!.GetValue<string>());
        Assert.Equal(3, _rig.Service.Template["scaling"]!["maxInstanceCount"]!.GetValue<int>());

        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains($"Revision {made.Name} is ready (env: 2 set (GREETING, NEW_FLAG)).", events);
        Assert.Contains($"Traffic verified: {made.Name} 100% (latest).", events);
        Assert.Contains(events, e => e.StartsWith($"{made.Name} released", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Contains("bonjour", StringComparison.Ordinal));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_change_says_what_served_before_as_traffic_is_about_to_move_and_released_once_it_is_verified()
    {
        var change = new ConfigChange(new Dictionary<string, string> { ["NEW_FLAG"] = "yes" }, []);

        var events = new List<Bot.Targets.DeployEvent>();
        await foreach (var e in Target.ChangeConfigAsync(new ConfigChangeRequest(App, 7, change, "alice"), default))
            events.Add(e);

        var live = events.FindIndex(e => e is Bot.Targets.GoingLive);
        Assert.Equal(new Bot.Targets.GoingLive("site-00003-ccc"), events[live]);
        Assert.Equal(new Bot.Targets.StepStarted("traffic"), events[live + 1]);
        Assert.Equal(new Bot.Targets.Released("site-d7-config", _rig.Service.Uri), events[^1]);
        Assert.Equal("alice", _rig.Service.Revisions[^1].Annotations!["deploybot/by"]!.GetValue<string>());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task An_unset_removes_the_var_and_a_set_on_a_secret_makes_it_plain_and_says_so()
    {
        var d = await ChangeAsync(new ConfigChange(new Dictionary<string, string> { ["DATABASE_URL"] = DbUrl }, ["FEATURE_X", "NEVER_SET"]));

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Equal(Env(Plain("GREETING", "hello"), Plain("DATABASE_URL", DbUrl)).ToJsonString(), _rig.Service.Template["containers"]![0]!["env"]!.ToJsonString());
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("DATABASE_URL was the secret site-db-url in Secret Manager; it is now a plain value on the service.", events);
        Assert.Contains("NEVER_SET was not set, so there is nothing to unset.", events);
        Assert.DoesNotContain(events, e => e.Contains("s3cret", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<string, int> { [d.Release!] = 100 }, _rig.Traffic());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_change_to_what_is_already_there_makes_no_revision()
    {
        var revisions = _rig.Service.Revisions.Count;

        var d = await ChangeAsync(new ConfigChange(new Dictionary<string, string> { ["GREETING"] = "hello" }, []));

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Equal(revisions, _rig.Service.Revisions.Count);
        Assert.Contains("site's env already is as asked: no new revision.", await _rig.EventsAsync(d.Id));
        _rig.Google.AssertNoViolations();
    }

    private AppEnvConfig App => _rig.Bot.Services.GetRequiredService<AppCatalog>().Find("site")!.Default;

    private CloudRunTarget Target => _rig.Bot.Services.GetRequiredService<CloudRunTarget>();

    /// <summary>The change as a config editor gives it privately, run by the bot to its end.</summary>
    private async Task<Deployment> ChangeAsync(ConfigChange change)
    {
        var result = await _rig.Bot.Handler.ChangeConfigAsync(TestBot.User(), "site", null, change, [], "a test", default);
        Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
        return await _rig.Bot.WaitFinishedAsync(result.Started!.Id);
    }

    private static JsonObject Plain(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static JsonArray Env(params JsonObject[] entries) => new(entries.Select(e => (JsonNode)e.DeepClone()).ToArray());

    private static FakeRevision Revision(FakeService s, string name, DateTimeOffset created, JsonArray env)
    {
        var containers = FakeGoogleCloud.ContainersWith(s, $"asia-docker.pkg.dev/{FakeGoogleCloud.Project}/apps/site:{name}");
        containers[0]!["env"] = env;
        return new FakeRevision(name, containers[0]!["image"]!.GetValue<string>(), null, null, created, true, null, containers);
    }
}
