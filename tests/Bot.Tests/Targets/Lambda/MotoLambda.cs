using System.IO.Compression;
using System.Text.Json.Nodes;
using Bot.Targets.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Targets.Lambda;

/// <summary>What the Lambda tests need in moto: a role, the function <c>acme-api</c> with version 1 behind the alias <c>live</c>, log lines and an alarm.</summary>
public static class MotoLambda
{
    public const string Function = "acme-api";

    public static async Task CreateFunctionAsync(MotoServer moto)
    {
        // moto refuses a function whose role it does not know ("cannot be assumed by Lambda"), so the role is made first.
        await moto.SendAsync("iam", HttpMethod.Post, "", "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument=%7B%7D",
            "application/x-www-form-urlencoded; charset=utf-8");
        var zip = Zip("def handler(event, context):\n    return {'ok': True}\n");
        await moto.SendAsync("lambda", HttpMethod.Post, "2015-03-31/functions", new JsonObject
        {
            ["FunctionName"] = Function, ["Runtime"] = "python3.12", ["Handler"] = "index.handler", ["Publish"] = true,
            ["Role"] = "arn:aws:iam::123456789012:role/lambda-role", ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) },
        }.ToJsonString());
        await moto.SendAsync("lambda", HttpMethod.Post, $"2015-03-31/functions/{Function}/aliases",
            new JsonObject { ["Name"] = "live", ["FunctionVersion"] = "1" }.ToJsonString());
    }

    public static byte[] Zip(string handler)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(archive.CreateEntry("index.py").Open()))
            writer.Write(handler);
        return zip.ToArray();
    }

    /// <summary>The bot's own AWS client pointed at moto (no resilience handler), its requests checked by <paramref name="checker"/> when given.</summary>
    public static AwsClient Client(MotoServer moto, ModelCheckedHandler? checker = null)
    {
        var options = AwsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_REGION"] = MotoServer.Region, ["AWS_ENDPOINT_URL"] = moto.Url.ToString(),
            ["AWS_ACCESS_KEY_ID"] = MotoServer.Keys.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = MotoServer.Keys.SecretAccessKey,
        }).Build());
        return new AwsClient(new Clients(checker), options, new AwsCredentials(options), TimeProvider.System, NullLogger<AwsClient>.Instance);
    }

    private sealed class Clients(HttpMessageHandler? handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => handler is null ? new() : new(handler, disposeHandler: false);
    }

    public static async Task PutLogLinesAsync(MotoServer moto, params string[] lines)
    {
        var group = $"/aws/lambda/{Function}";
        try { await moto.JsonAsync("logs", "Logs_20140328.CreateLogGroup", "1.1", new JsonObject { ["logGroupName"] = group }); }
        catch (InvalidOperationException e) when (e.Message.Contains("ResourceAlreadyExists", StringComparison.Ordinal)) { }
        await moto.JsonAsync("logs", "Logs_20140328.CreateLogStream", "1.1", new JsonObject { ["logGroupName"] = group, ["logStreamName"] = "2026/12/01/[2]abc" });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await moto.JsonAsync("logs", "Logs_20140328.PutLogEvents", "1.1", new JsonObject
        {
            ["logGroupName"] = group, ["logStreamName"] = "2026/12/01/[2]abc",
            ["logEvents"] = new JsonArray([.. lines.Select((l, i) => (JsonNode)new JsonObject { ["timestamp"] = now - 1000 + i, ["message"] = l })]),
        });
    }

    public static async Task SetAlarmAsync(MotoServer moto, string name, string state)
    {
        await moto.JsonAsync("monitoring", "GraniteServiceVersion20100801.PutMetricAlarm", "1.0", new JsonObject
        {
            ["AlarmName"] = name, ["MetricName"] = "Errors", ["Namespace"] = "AWS/Lambda", ["Statistic"] = "Sum", ["Period"] = 60,
            ["EvaluationPeriods"] = 1, ["Threshold"] = 1, ["ComparisonOperator"] = "GreaterThanThreshold",
            ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "FunctionName", ["Value"] = Function }),
        });
        await moto.JsonAsync("monitoring", "GraniteServiceVersion20100801.SetAlarmState", "1.0",
            new JsonObject { ["AlarmName"] = name, ["StateValue"] = state, ["StateReason"] = "Errors above 1 for 1 minute" });
    }

    public static async Task<JsonNode> AliasAsync(MotoServer moto) =>
        (await moto.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{Function}/aliases/live"))!;

    public static async Task<JsonArray> VersionsAsync(MotoServer moto) =>
        (JsonArray)(await moto.SendAsync("lambda", HttpMethod.Get, $"2015-03-31/functions/{Function}/versions"))!["Versions"]!;
}
