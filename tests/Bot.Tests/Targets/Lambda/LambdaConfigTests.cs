using System.Text.Json.Nodes;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Targets.Lambda;

namespace Bot.Tests.Targets.Lambda;

/// <summary>Config vars on the fake Lambda: what Lambda refuses is refused first, updates that fail or would publish other code.</summary>
public sealed class LambdaConfigTests
{
    private static readonly ConfigFingerprints Fingerprints = new("test-fingerprint-key"u8.ToArray());

    private static ConfigChange Set(params (string Name, string Value)[] set) => new(set.ToDictionary(s => s.Name, s => s.Value), []);

    private static Task<List<DeployEvent>> ChangeAsync(LambdaTargetRig rig, ConfigChange change) =>
        rig.DriveAsync(rig.Target.ChangeConfigAsync(new ConfigChangeRequest(rig.App, 7, change, "alice"), default));

    [Theory]
    [InlineData("AWS_REGION", "AWS_REGION is reserved by Lambda")]
    [InlineData("AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_NAME is reserved by Lambda")]
    [InlineData("_HANDLER", "_HANDLER is reserved by Lambda")]
    [InlineData("_PRIVATE", "Lambda takes no variable named _PRIVATE")]
    [InlineData("X", "Lambda takes no variable named X")]
    public void Names_Lambda_refuses_are_refused_before_anything_is_sent(string name, string why)
    {
        var rig = new LambdaTargetRig();

        Assert.StartsWith(why, rig.Target.CheckLimits(rig.App, Set((name, "v"))));
        Assert.StartsWith(why, rig.Target.CheckLimits(rig.App, new ConfigChange(new Dictionary<string, string>(), [name])));
        Assert.Null(rig.Target.CheckLimits(rig.App, Set(("TZ", "Asia/Tokyo"), ("AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrap"))));
    }

    [Fact]
    public void A_change_over_4_KB_by_itself_is_refused_without_its_values()
    {
        var rig = new LambdaTargetRig();
        var big = new string('x', 4090);

        var refused = rig.Target.CheckLimits(rig.App, Set(("BIG_VALUE", big)));

        Assert.Equal("Lambda allows 4096 bytes (4 KB) of environment variables in all, names and values together; the variables set here alone are 4106 bytes.", refused);
        Assert.Null(rig.Target.CheckLimits(rig.App, Set(("BIG_VALUE", new string('x', 4000)))));
    }

    [Fact]
    public async Task A_change_that_takes_the_total_over_4_KB_is_refused_with_nothing_changed()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.SetEnvironment(("ONE", new string('1', 1500)), ("TWO", new string('2', 1500)));
        var change = Set(("THREE", new string('3', 1200)));
        Assert.Null(rig.Target.CheckLimits(rig.App, change));

        var failed = await Assert.ThrowsAsync<DeployFailedException>(() => ChangeAsync(rig, change));

        Assert.Equal("With this change the variables of acme-api would be 4230 bytes; Lambda allows 4096 (4 KB) in all, so nothing was changed.", failed.Message);
        Assert.DoesNotContain("UpdateFunctionConfiguration", rig.Aws.Calls);
        Assert.Equal("1", rig.Aws.LiveVersion);
        Assert.Equal(2, rig.Aws.VariablesOf().Count);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task A_change_sends_only_the_environment_merged_over_what_live_serves_and_moves_live()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.SetEnvironment(("DATABASE_URL", "postgres://old"), ("FEATURE_X", "on"));
        rig.Aws.Latest["Environment"] = new JsonObject { ["Variables"] = new JsonObject { ["STRAY_VAR"] = "left by hand" } };
        rig.Aws.InProgressReads = 3;

        var events = await ChangeAsync(rig, new ConfigChange(new Dictionary<string, string> { ["DATABASE_URL"] = "postgres://new" }, ["FEATURE_X"]));

        Assert.Equal(new Dictionary<string, string> { ["DATABASE_URL"] = "postgres://new" }, rig.Aws.VariablesOf("live"));
        Assert.Equal("2", rig.Aws.LiveVersion);
        Assert.Equal(["Environment", "RevisionId"], rig.Aws.Bodies["UpdateFunctionConfiguration"].Select(kv => kv.Key).Order());
        Assert.Equal(["GetAlias", "GetFunctionConfiguration", "GetFunctionConfiguration", "UpdateFunctionConfiguration",
            "GetFunctionConfiguration", "GetFunctionConfiguration", "GetFunctionConfiguration", "PublishVersion", "UpdateAlias"], rig.Aws.Calls);
        Assert.Equal("#7 config 1 set (DATABASE_URL), 1 unset (FEATURE_X) by alice; live was 1", (string)rig.Aws.Versions[1]["Description"]!);
        Assert.Contains(events, e => e is GoingLive { Previous: "version 1" });
        Assert.Equal(new Released("version 2", null), events[^1]);
        Assert.All(LambdaTargetRig.Texts(events), t => Assert.DoesNotContain("postgres://", t));
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task An_update_Lambda_fails_ends_with_its_reason_and_live_where_it_was()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.UpdateFailure = "Lambda was unable to decrypt the environment variables because KMS access was denied.";

        var failed = await Assert.ThrowsAsync<DeployFailedException>(() => ChangeAsync(rig, Set(("API_KEY", "s3cret-value"))));

        Assert.StartsWith("Lambda could not update acme-api: Lambda was unable to decrypt the environment variables", failed.Message);
        Assert.EndsWith("live was not moved.", failed.Message);
        Assert.DoesNotContain("PublishVersion", rig.Aws.Calls);
        Assert.DoesNotContain(rig.Events, e => e is GoingLive);
        Assert.Equal("1", rig.Aws.LiveVersion);
    }

    [Fact]
    public async Task Other_code_on_LATEST_than_live_serves_is_never_published_with_the_variables()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.Latest["CodeSha256"] = "bmV3LWNvZGUtbm90LWxpdmU=";

        var failed = await Assert.ThrowsAsync<DeployFailedException>(() => ChangeAsync(rig, Set(("API_KEY", "s3cret-value"))));

        Assert.Contains("$LATEST of acme-api holds other code than version 1", failed.Message);
        Assert.DoesNotContain("UpdateFunctionConfiguration", rig.Aws.Calls);
    }

    [Fact]
    public async Task The_version_a_value_was_set_in_is_left_out_when_it_is_older_than_the_versions_read()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.SetEnvironment(("SAME", "forever"));
        for (var i = 0; i < LambdaTarget.ChangeHistoryVersions; i++) rig.Aws.PublishLatest();
        rig.Aws.Aliases["live"]["FunctionVersion"] = $"{LambdaTarget.ChangeHistoryVersions + 1}";
        await ChangeAsync(rig, Set(("NEWER", "value")));

        var listing = await rig.Target.ReadConfigAsync(rig.App, Fingerprints, default);

        Assert.Equal([("NEWER", "version 52"), ("SAME", null)], listing.Vars.Select(v => (v.Name, v.ChangedIn)));
        Assert.Equal(Fingerprints.Of("SAME", "forever"), listing.Vars[1].Fingerprint);
        rig.Aws.AssertNoViolations();
    }
}
