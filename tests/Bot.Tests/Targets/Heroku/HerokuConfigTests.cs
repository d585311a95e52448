using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Security;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Targets.Heroku;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// Config vars of a Heroku app from chat: listed by name and fingerprint, changed as a new release, undone by a rollback,
/// each call checked against the fake Platform API. No value ever shows.
/// </summary>
public sealed class HerokuConfigTests : IAsyncLifetime
{
    private const string Secret = "postgres://admin:hunter2-very-secret@db.internal/acme";
    private HerokuRig _rig = null!;

    public async Task InitializeAsync() => _rig = await HerokuRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private ConfigFingerprints Fingerprints => _rig.Bot.Services.GetRequiredService<ConfigSeal>().Fingerprints;

    private HerokuTarget Target => _rig.Bot.Services.GetServices<IDeployTarget>().OfType<HerokuTarget>().Single();

    private AppEnvConfig Web => _rig.Bot.Services.GetRequiredService<AppCatalog>().Find("web")!.ByEnv["production"];

    /// <summary>A change typed in a direct conversation (the console is one), waited on to its end.</summary>
    private async Task<Deployment> ChangeAsync(string text)
    {
        var result = await _rig.Bot.Handler.HandleAsync(new ChatRequest(new Origin("console", "console", null, "alice", "alice"), text), default);
        Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
        return await _rig.Bot.WaitFinishedAsync(result.Started!.Id);
    }

    /// <summary>Sets vars on the app as it is now and in its live release, so a rollback to that release brings them back.</summary>
    private void Given(params (string Name, string Value)[] vars)
    {
        foreach (var (name, value) in vars) _rig.App.ConfigVars[name] = _rig.App.Current.Config[name] = value;
    }

    private void AddRelease(string description)
    {
        var app = _rig.App;
        foreach (var r in app.Releases) r.Current = false;
        app.Releases.Add(new FakeRelease(Guid.NewGuid().ToString(), app.Releases.Max(r => r.Version) + 1, description, "succeeded", true, null)
        {
            Config = new(app.ConfigVars),
        });
    }

    [Fact]
    public async Task The_listing_shows_names_fingerprints_and_the_release_that_last_changed_each_but_never_a_value()
    {
        Given(("DATABASE_URL", Secret), ("SHOP_MODE", "sale-of-the-century"), ("PORT", "5000"));
        AddRelease("Set DATABASE_URL, SHOP_MODE config vars");
        AddRelease("Deploy 1a2b3c4");
        AddRelease("Set SHOP_MODE config vars");

        var result = await _rig.Bot.SendAsync("config web");

        var text = string.Join('\n', result.Messages.Select(m => m.Text));
        Assert.Contains("3 config vars (Heroku config vars of acme-web)", text);
        Assert.Contains($"• DATABASE_URL `{Fingerprints.Of("DATABASE_URL", Secret)}` · v124,", text);
        Assert.Contains($"• SHOP_MODE `{Fingerprints.Of("SHOP_MODE", "sale-of-the-century")}` · v126,", text);
        Assert.Contains($"• PORT `{Fingerprints.Of("PORT", "5000")}`", text);
        Assert.DoesNotContain("PORT `" + Fingerprints.Of("PORT", "5000") + "` ·", text);
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("sale-of-the-century", text);
        Assert.DoesNotContain("5000", text);
        var releases = Assert.Single(_rig.Heroku.Calls("GET", "/apps/acme-web/releases"));
        Assert.Equal("version ..; order=desc, max=200", releases.Range);
        Assert.Single(_rig.Heroku.Calls("GET", "/apps/acme-web/config-vars"));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Set_patches_the_vars_and_the_change_is_a_new_release_whose_card_never_shows_the_value()
    {
        Given(("PORT", "5000"));

        var d = await ChangeAsync("config set web SECRET_X=some-long-secret-value SHOP_MODE=on");

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal(DeploymentKind.Config, d.Kind);
        Assert.Equal("v124", d.Release);
        Assert.Equal(_rig.App.WebUrl, d.Url);
        var patch = Assert.Single(_rig.Heroku.Calls("PATCH", "/apps/acme-web/config-vars"));
        Assert.Equal("""{"SECRET_X":"some-long-secret-value","SHOP_MODE":"on"}""", patch.Body!.ToJsonString());
        Assert.Equal(new Dictionary<string, string> { ["PORT"] = "5000", ["SECRET_X"] = "some-long-secret-value", ["SHOP_MODE"] = "on" }, _rig.App.ConfigVars);
        Assert.Equal("Set SECRET_X, SHOP_MODE config vars", _rig.App.Current.Description);
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("config", events);
        Assert.True(events.IndexOf("config") < events.FindIndex(e => e.StartsWith("config done in", StringComparison.Ordinal)));
        Assert.Contains("2 set (SECRET_X, SHOP_MODE) on acme-web as v124; Heroku restarts the dynos with them.", events);
        Assert.Contains($"v124 released: {_rig.App.WebUrl}", events);
        Assert.DoesNotContain(events, e => e.Contains("some-long-secret-value", StringComparison.Ordinal));
        Assert.DoesNotContain("some-long-secret-value", d.Message ?? "");
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Unset_sends_null_and_a_name_that_is_not_set_is_only_noted()
    {
        Given(("OLD_FLAG", "1"), ("PORT", "5000"));

        var d = await ChangeAsync("config unset web OLD_FLAG NEVER_SET");

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal("v124", d.Release);
        Assert.Equal("""{"OLD_FLAG":null}""", Assert.Single(_rig.Heroku.Calls("PATCH", "/apps/acme-web/config-vars")).Body!.ToJsonString());
        Assert.Equal(["PORT"], _rig.App.ConfigVars.Keys);
        Assert.Equal("Remove OLD_FLAG config vars", _rig.App.Current.Description);
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("NEVER_SET is not set on acme-web, so there is nothing to remove.", events);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Unsetting_only_names_that_are_not_set_makes_no_release()
    {
        var d = await ChangeAsync("config unset web NEVER_SET");

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Null(d.Release);
        Assert.Empty(_rig.Heroku.Calls("PATCH", "/apps/acme-web/config-vars"));
        Assert.Equal(123, _rig.App.Current.Version);
        Assert.Contains("Nothing changed on acme-web, so Heroku made no release.", await _rig.EventsAsync(d.Id));
    }

    [Fact]
    public async Task A_rollback_after_a_change_brings_the_previous_values_back()
    {
        Given(("SHOP_MODE", "normal-mode"), ("PORT", "5000"));
        var changed = await ChangeAsync("config set web SHOP_MODE=sale-of-the-century");
        Assert.Equal("v124", changed.Release);

        var back = await _rig.DeployAsync("rollback web");

        Assert.Equal(DeploymentState.Succeeded, back.State);
        Assert.Equal("v125", back.Release);
        Assert.Equal("Rollback to v123", _rig.App.Current.Description);
        var listing = await Target.ReadConfigAsync(Web, Fingerprints, default);
        Assert.Equal(Fingerprints.Of("SHOP_MODE", "normal-mode"), listing.Vars.Single(v => v.Name == "SHOP_MODE").Fingerprint);
        Assert.Equal("normal-mode", _rig.App.ConfigVars["SHOP_MODE"]);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_change_that_ends_badly_after_the_patch_is_put_back_by_rolling_back_to_the_release_before_it()
    {
        Given(("SHOP_MODE", "normal-mode"));
        var change = new ConfigChange(new Dictionary<string, string> { ["SHOP_MODE"] = "sale-of-the-century" }, []);
        var events = new List<DeployEvent>();
        await foreach (var e in Target.ChangeConfigAsync(new ConfigChangeRequest(Web, 7, change, "alice"), default))
        {
            // GoingLive comes before anything changes: the PATCH has not been sent yet.
            if (e is GoingLive) Assert.Empty(_rig.Heroku.Calls("PATCH", "/apps/acme-web/config-vars"));
            events.Add(e);
        }
        var live = Assert.Single(events.OfType<GoingLive>());
        Assert.Equal("v123", live.Previous);
        Assert.Equal(new Released("v124", _rig.App.WebUrl), events[^1]);
        Assert.Equal([new StepStarted("config")], events.OfType<StepStarted>());

        var putBack = new List<DeployEvent>();
        await foreach (var e in ((IPutsBack)Target).PutBackAsync(Web, live.Previous!, default)) putBack.Add(e);

        Assert.Contains(PutBackEnded.Restored(healthChecked: false), putBack);
        Assert.Equal("Rollback to v123", _rig.App.Current.Description);
        Assert.Equal("normal-mode", _rig.App.ConfigVars["SHOP_MODE"]);
        _rig.Heroku.AssertNoViolations();
    }

    [Theory]
    [InlineData("Set DATABASE_URL, SHOP_MODE config vars", "DATABASE_URL,SHOP_MODE")]
    [InlineData("Remove OLD_FLAG config vars", "OLD_FLAG")]
    [InlineData("Set PORT config var", "PORT")]
    [InlineData("Deploy 1a2b3c4", "")]
    [InlineData("Rollback to v12", "")]
    [InlineData("Attach DATABASE (@ref:postgresql-flat-123)", "")]
    public void The_vars_a_release_changed_are_read_from_the_description_Heroku_writes(string description, string names)
    {
        var release = new HerokuRelease(Guid.NewGuid().ToString(), 9, "succeeded", description, true, null, null, DateTimeOffset.UnixEpoch);

        var found = HerokuTarget.LastChanges([release]);

        Assert.Equal(names, string.Join(',', found.Keys.Order(StringComparer.Ordinal)));
    }
}
