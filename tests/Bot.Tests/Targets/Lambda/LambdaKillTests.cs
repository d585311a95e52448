using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// The real bot SIGKILLed during a canary on <c>moto_server</c>: live is left with 10 % on the new version. The next run
/// recovers the deployment and puts all the traffic back on the old version, and says so.
/// </summary>
public sealed class LambdaKillTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("lambda-kill");
    private MotoServer _moto = null!;
    private GitRepo _repo = null!;

    public async Task InitializeAsync()
    {
        _moto = await MotoServer.StartAsync();
        await MotoLambda.CreateFunctionAsync(_moto);
        _repo = new GitRepo(_dir["repo"]);
        _repo.Commit("Orders handler", ("index.py", "def handler(event, context):\n    return {'orders': []}\n"),
            ("build-zip.sh", "set -e\nmkdir -p out\npython3 -m zipfile -c out/api.zip index.py\n"));
    }

    public async Task DisposeAsync()
    {
        await _moto.DisposeAsync();
        _dir.Dispose();
    }

    private Dictionary<string, string?> Env() => new()
    {
        ["DATA_DIR"] = _dir["data"], ["USER"] = "tester", ["BOT_PUBLIC_URL"] = null,
        ["Apps__api__Target"] = "lambda", ["Apps__api__Repository"] = _repo.Path,
        ["Apps__api__Lambda__Function"] = MotoLambda.Function, ["Apps__api__Lambda__Build"] = "sh build-zip.sh", ["Apps__api__Lambda__Artifact"] = "out/api.zip",
        ["Apps__api__Lambda__Canary"] = "10", ["Apps__api__Lambda__CanaryMinutes"] = "5",
        ["AWS_REGION"] = MotoServer.Region, ["AWS_ENDPOINT_URL"] = _moto.Url.ToString(),
        ["AWS_ACCESS_KEY_ID"] = MotoServer.Keys.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = MotoServer.Keys.SecretAccessKey,
        ["AWS_PROFILE"] = null, ["AWS_SESSION_TOKEN"] = null,
    };

    [Fact]
    public async Task A_canary_cut_off_by_kill_9_is_ended_by_the_next_run_with_all_traffic_on_the_old_version()
    {
        using (var bot = BotProcess.Start(Env(), _dir.Path, null, "send", "deploy api main"))
        {
            await bot.WaitForOutputAsync("Canary: 10% of live on version 2", TimeSpan.FromSeconds(90));
            bot.KillHard();
        }
        var left = await MotoLambda.AliasAsync(_moto);
        Assert.Equal("1", (string?)left["FunctionVersion"]);
        Assert.Equal(0.1, (double)left["RoutingConfig"]!["AdditionalVersionWeights"]!["2"]!);

        var status = await BotProcess.RunAsync(Env(), _dir.Path, "send", "status api");

        Assert.True(status.Code == 0, status.Stdout + status.Stderr);
        var text = Flat.Text(status.Stdout);
        Assert.Contains("Its canary was stopped: live had 10% on version 2; it is back on version 1 with all the traffic.", text);
        Assert.Contains("live → version 1", text);
        var alias = await MotoLambda.AliasAsync(_moto);
        Assert.Equal("1", (string?)alias["FunctionVersion"]);
        Assert.True(alias["RoutingConfig"]?["AdditionalVersionWeights"] is null or JsonObject { Count: 0 }, alias.ToJsonString());
    }
}
