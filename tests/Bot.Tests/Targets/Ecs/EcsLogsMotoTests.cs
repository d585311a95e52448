using System.Text.Json.Nodes;
using Bot.Targets;
using Bot.Tests.Targets.Lambda;

namespace Bot.Tests.Targets.Ecs;

/// <summary>
/// <c>logs web</c> against CloudWatch Logs on a real <c>moto_server</c> (ECS itself from the fake): the container's
/// <c>awslogs</c> group, newest last, each line with its task's id from the stream name; each request checked against
/// botocore's model. moto's FilterLogEvents ignores <c>logStreamNamePrefix</c>, so which streams are read is proven on the
/// fake (<see cref="EcsDeployTests"/>), not here.
/// </summary>
public sealed class EcsLogsMotoTests : IAsyncLifetime
{
    private MotoServer _moto = null!;

    public async Task InitializeAsync() => _moto = await MotoServer.StartAsync();

    public async Task DisposeAsync() => await _moto.DisposeAsync();

    private async Task PutAsync(string stream, params string[] lines)
    {
        try { await _moto.JsonAsync("logs", "Logs_20140328.CreateLogGroup", "1.1", new JsonObject { ["logGroupName"] = "/ecs/web" }); }
        catch (InvalidOperationException e) when (e.Message.Contains("ResourceAlreadyExists", StringComparison.Ordinal)) { }
        await _moto.JsonAsync("logs", "Logs_20140328.CreateLogStream", "1.1", new JsonObject { ["logGroupName"] = "/ecs/web", ["logStreamName"] = stream });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await _moto.JsonAsync("logs", "Logs_20140328.PutLogEvents", "1.1", new JsonObject
        {
            ["logGroupName"] = "/ecs/web", ["logStreamName"] = stream,
            ["logEvents"] = new JsonArray([.. lines.Select((l, i) => (JsonNode)new JsonObject { ["timestamp"] = now - 1000 + i, ["message"] = l })]),
        });
    }

    [Fact]
    public async Task Logs_read_the_awslogs_group_newest_last_with_task_ids_and_grep_narrows_them()
    {
        await PutAsync("ecs/web/0a1b2c3d4e5f", "listening on 8080", "GET /orders 200", "GET /orders/7 500 boom");
        using var checkedMoto = new ModelCheckedHandler();
        var fake = new FakeEcs(new MotoForwarder(_moto.Url, checkedMoto));
        var rig = new EcsRig(fake);

        var logs = await rig.Target.ReadLogsAsync(rig.App, new LogRequest(2, TimeSpan.FromDays(30), null, new Dictionary<string, string>()), CancellationToken.None);
        var grep = await rig.Target.ReadLogsAsync(rig.App, new LogRequest(10, TimeSpan.FromDays(30), "500", new Dictionary<string, string>()), CancellationToken.None);

        Assert.Equal(2, logs.Lines.Count);
        Assert.EndsWith("[0a1b2c] GET /orders 200", logs.Lines[0]);
        Assert.EndsWith("[0a1b2c] GET /orders/7 500 boom", logs.Lines[1]);
        Assert.EndsWith("GET /orders/7 500 boom", Assert.Single(grep.Lines));
        Assert.Equal(["FilterLogEvents", "FilterLogEvents"], checkedMoto.Calls);
        checkedMoto.AssertNoViolations();
        rig.Ecs.AssertNoViolations();
    }

    /// <summary>Sends what the fake ECS passes on to moto's address (the bot's endpoint is the fake's <c>http://aws.test</c>).</summary>
    private sealed class MotoForwarder(Uri moto, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(moto, request.RequestUri!.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
