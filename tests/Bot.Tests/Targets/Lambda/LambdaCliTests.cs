using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// The done-when of the Lambda target: the real binary against a real <c>moto_server</c>. <c>send "deploy api main"</c>
/// builds the zip and moves <c>live</c> to version 2, <c>rollback</c> moves it back to 1, <c>logs</c> reads CloudWatch Logs,
/// and a canary with an alarm in ALARM ends rolled back, naming the alarm.
/// </summary>
public sealed class LambdaCliTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("lambda-cli");
    private MotoServer _moto = null!;
    private GitRepo _repo = null!;
    private string _sha = "";

    public async Task InitializeAsync()
    {
        _moto = await MotoServer.StartAsync();
        await MotoLambda.CreateFunctionAsync(_moto);
        _repo = new GitRepo(_dir["repo"]);
        _sha = _repo.Commit("Orders handler", ("index.py", "def handler(event, context):\n    return {'orders': []}\n"),
            ("build-zip.sh", "set -e\nmkdir -p out\npython3 -m zipfile -c out/api.zip index.py\necho built $DEPLOY_SHA\n"));
    }

    public async Task DisposeAsync()
    {
        await _moto.DisposeAsync();
        _dir.Dispose();
    }

    private Dictionary<string, string?> Env(params (string Key, string? Value)[] more)
    {
        var env = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _dir["data"], ["USER"] = "tester", ["BOT_PUBLIC_URL"] = null,
            ["Apps__api__Target"] = "lambda", ["Apps__api__Repository"] = _repo.Path,
            ["Apps__api__Lambda__Function"] = MotoLambda.Function, ["Apps__api__Lambda__Build"] = "sh build-zip.sh", ["Apps__api__Lambda__Artifact"] = "out/api.zip",
            ["AWS_REGION"] = MotoServer.Region, ["AWS_ENDPOINT_URL"] = _moto.Url.ToString(),
            ["AWS_ACCESS_KEY_ID"] = MotoServer.Keys.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = MotoServer.Keys.SecretAccessKey,
            ["AWS_PROFILE"] = null, ["AWS_SESSION_TOKEN"] = null,
        };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    [Fact]
    public async Task Deploy_publishes_version_2_and_moves_live_then_rollback_logs_and_a_canary_stopped_by_an_alarm()
    {
        var deploy = await BotProcess.RunAsync(Env(), _dir.Path, "send", "deploy api main");

        Assert.True(deploy.Code == 0, deploy.Stdout + deploy.Stderr);
        Assert.Contains("│ built ", deploy.Stdout);
        var card = Flat.Text(deploy.Stdout);
        Assert.Contains($"Published version 2 (#1 main@{_sha[..7]} by tester; live was 1); live still points at version 1.", card);
        Assert.Contains("• version 2 released", card);
        Assert.Contains("✅ api #1 → production: live", card);
        Assert.Equal("2", (string?)(await MotoLambda.AliasAsync(_moto))["FunctionVersion"]);

        var rollback = await BotProcess.RunAsync(Env(), _dir.Path, "send", "rollback api");

        Assert.True(rollback.Code == 0, rollback.Stdout + rollback.Stderr);
        Assert.Contains("Moving live from version 2 back to version 1.", Flat.Text(rollback.Stdout));
        Assert.Equal("1", (string?)(await MotoLambda.AliasAsync(_moto))["FunctionVersion"]);

        await MotoLambda.PutLogLinesAsync(_moto, "START RequestId: 7d1e Version: 1", "[INFO] listing orders",
            "[ERROR] KeyError: 'customer'", "REPORT RequestId: 7d1e\tDuration: 3.21 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 51 MB");
        var logs = await BotProcess.RunAsync(Env(), _dir.Path, "send", "logs api 20");

        Assert.True(logs.Code == 0, logs.Stdout + logs.Stderr);
        Assert.Contains("[INFO] listing orders", logs.Stdout);
        Assert.Contains("❗ [ERROR] KeyError: 'customer'", logs.Stdout);
        Assert.Contains("⏱ 3 ms · 51/128 MB", logs.Stdout);
        Assert.DoesNotContain("START RequestId", logs.Stdout);

        // A zip through S3Bucket: PUT path-style to moto's S3, then UpdateFunctionCode from the bucket.
        await _moto.SendAsync("s3", HttpMethod.Put, "code-bucket");
        var aws = MotoLambda.Client(_moto);
        await aws.PutObjectAsync("code-bucket", "deploybot/api/9-abc.zip", MotoLambda.Zip("def handler(e, c):\n    return 9\n"), CancellationToken.None);
        var fromS3 = await new Bot.Targets.Lambda.LambdaApi(aws).UpdateCodeAsync(MotoLambda.Function,
            new Bot.Targets.Lambda.UpdateCodeRequest(S3Bucket: "code-bucket", S3Key: "deploybot/api/9-abc.zip"), CancellationToken.None);
        Assert.Equal("Successful", fromS3.LastUpdateStatus);

        await MotoLambda.SetAlarmAsync(_moto, "api-errors", "ALARM");
        var canary = await BotProcess.RunAsync(Env(("Apps__api__Lambda__Canary", "10"), ("Apps__api__Lambda__CanaryMinutes", "5"),
            ("Apps__api__Lambda__Alarms", "api-errors")), _dir.Path, "send", "deploy api main");

        Assert.True(canary.Code != 0, canary.Stdout + canary.Stderr);
        card = Flat.Text(canary.Stdout);
        Assert.Contains("Canary: 10% of live on version 3, 90% on version 1, for 5m 00s, watching api-errors.", card);
        Assert.Contains("❌ api #3 → production: failed", card);
        Assert.Contains("Alarm api-errors went off during the canary (Errors above 1 for 1 minute). live is back on version 1; version 3 gets no traffic.", card);
        var alias = await MotoLambda.AliasAsync(_moto);
        Assert.Equal("1", (string?)alias["FunctionVersion"]);
        Assert.True(alias["RoutingConfig"]?["AdditionalVersionWeights"] is null or JsonObject { Count: 0 }, alias.ToJsonString());
        Assert.Equal(["$LATEST", "1", "2", "3"], (await MotoLambda.VersionsAsync(_moto)).Select(v => (string?)v!["Version"]));
    }
}
