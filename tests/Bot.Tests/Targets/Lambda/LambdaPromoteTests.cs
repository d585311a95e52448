using Bot.Targets;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// Promoting api from staging (alias <c>staging</c>) to production (alias <c>live</c>) of one function on the fake Lambda:
/// live is moved to the version staging points at, and nothing is built or published.
/// </summary>
public sealed class LambdaPromoteTests
{
    private readonly LambdaTargetRig _rig = new(new Dictionary<string, string>
    {
        ["Environments:staging:Lambda:Alias"] = "staging",
        ["Environments:production:Lambda:Alias"] = "live",
        ["Environments:qa:Lambda:Alias"] = "qa",
    });

    public LambdaPromoteTests() => _rig.Aws.AddAlias("staging", "1");

    /// <summary>A deploy to staging: version 2, which staging points at while live stays on version 1.</summary>
    private Task DeployStagingAsync() =>
        _rig.DriveAsync(_rig.Target.DeployAsync(new DeployRequest(_rig.Env("staging"), 5, "v1.2", null, null), default));

    [Fact]
    public async Task The_live_artifact_of_staging_is_the_version_its_alias_points_at_with_the_commit_its_description_names()
    {
        await DeployStagingAsync();
        _rig.Aws.Versions[1]["Description"] = "#5 main@3f2a1c9 by alice; staging was 1";

        var artifact = await _rig.Target.LiveArtifactAsync(_rig.Env("staging"), default);

        Assert.Equal(new PromotableRelease("2", "version 2", "3f2a1c9"), artifact);
        _rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task Promote_moves_live_to_the_staging_version_and_sends_no_code()
    {
        await DeployStagingAsync();
        var artifact = (await _rig.Target.LiveArtifactAsync(_rig.Env("staging"), default))!;
        var callsBefore = _rig.Aws.Calls.Count;
        string? liveWhenGoingLive = null;

        var events = new List<DeployEvent>();
        await foreach (var e in _rig.Target.PromoteAsync(new PromoteRequest(_rig.Env("staging"), _rig.Env("production"), 6, artifact, "alice"), default))
        {
            if (e is GoingLive) liveWhenGoingLive = _rig.Aws.LiveVersion;
            events.Add(e);
        }

        Assert.Equal("2", _rig.Aws.LiveVersion);
        Assert.Null(_rig.Aws.LiveRouting);
        Assert.Equal(["GetAlias", "UpdateAlias", "GetAlias"], _rig.Aws.Calls.Skip(callsBefore));
        Assert.Equal(2, _rig.Aws.Versions.Count);
        Assert.Equal(new GoingLive("version 1"), Assert.Single(events.OfType<GoingLive>()));
        Assert.Equal("1", liveWhenGoingLive);
        Assert.Equal(new Released("version 2", null), events[^1]);
        _rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task Putting_back_after_a_promote_moves_live_to_the_version_it_left()
    {
        await DeployStagingAsync();
        var artifact = (await _rig.Target.LiveArtifactAsync(_rig.Env("staging"), default))!;
        await foreach (var _ in _rig.Target.PromoteAsync(new PromoteRequest(_rig.Env("staging"), _rig.Env("production"), 6, artifact), default)) { }

        var events = new List<DeployEvent>();
        await foreach (var e in _rig.Target.PutBackAsync(_rig.Env("production"), "version 1", default)) events.Add(e);
        var again = new List<DeployEvent>();
        await foreach (var e in _rig.Target.PutBackAsync(_rig.Env("production"), "version 1", default)) again.Add(e);

        Assert.Equal("1", _rig.Aws.LiveVersion);
        Assert.Equal(PutBackEnded.Restored(healthChecked: false), events[^1]);
        Assert.Equal(PutBackEnded.NothingToUndo, again[^1]);
        _rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task An_environment_whose_alias_does_not_exist_has_nothing_to_promote()
    {
        var artifact = await _rig.Target.LiveArtifactAsync(_rig.Env("qa"), default);

        Assert.Null(artifact);
        Assert.Contains("GetAlias", _rig.Aws.Calls);
        Assert.Equal("Nothing serves api in qa, so there is nothing to promote to production.",
            PromoteRefusals.NothingLive(_rig.Env("qa"), _rig.Env("production")).Message);
    }

    [Fact]
    public async Task Promoting_an_alias_onto_itself_is_refused_and_nothing_moves()
    {
        var staging = _rig.Env("staging");

        var e = await Assert.ThrowsAsync<DeployFailedException>(async () =>
        {
            await foreach (var _ in _rig.Target.PromoteAsync(new PromoteRequest(staging, staging, 6, new PromotableRelease("1", "version 1", null)), default)) { }
        });

        Assert.Equal($"staging and staging of api are both the alias staging of {FakeAws.Function}, so promoting would change nothing.", e.Message);
        Assert.Contains("Lambda:Alias", e.Hint);
        Assert.DoesNotContain("UpdateAlias", _rig.Aws.Calls);
    }
}
