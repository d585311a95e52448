using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Tests.Targets.Lambda;

namespace Bot.Tests.Targets.Ecs;

/// <summary>How the next rollout the fake starts plays out.</summary>
public enum Play { Completes, CircuitBreaker, Stuck }

/// <summary>
/// ECS as an in-process handler: one service <c>web</c> on revision <c>web:7</c>, two tasks wanted. Each look
/// (DescribeServices) moves a rollout one step as <see cref="Next"/> says. Every request is checked against botocore's
/// model (<see cref="AwsModel"/>); CloudWatch Logs requests go to a <see cref="FakeAws"/>.
/// </summary>
public sealed class FakeEcs : HttpMessageHandler
{
    public const string Arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/";
    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private readonly List<string> _calls = [];
    private readonly List<JsonObject> _deployments = [];
    private readonly Dictionary<string, (Play Play, int Step)> _plays = [];
    private readonly List<JsonObject> _events = [];
    private readonly List<JsonObject> _stopped = [];
    private readonly List<JsonObject> _runs = [];
    private readonly Dictionary<string, int?> _exits = [];
    private int _ids;

    /// <summary>The exit code of the container of the next one-off task (RunTask); null: it never stops by itself.</summary>
    public int? RunExit { get; set; } = 0;

    /// <summary>Each RunTask's body, and the tasks StopTask was asked to stop.</summary>
    public List<JsonObject> RunRequests { get; } = [];
    public List<string> StopRequests { get; } = [];

    private readonly HttpMessageHandler _others;

    /// <param name="others">Where requests for other services (CloudWatch Logs) go: a <c>moto_server</c>, else <see cref="Logs"/>.</param>
    public FakeEcs(HttpMessageHandler? others = null)
    {
        _others = others ?? Logs;
        Revisions.Add(new JsonObject
        {
            ["taskDefinitionArn"] = Arn + "web:7", ["family"] = "web", ["revision"] = 7, ["status"] = "ACTIVE",
            ["networkMode"] = "awsvpc", ["cpu"] = "256", ["memory"] = "512", ["executionRoleArn"] = "arn:aws:iam::123456789012:role/exec",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"), ["compatibilities"] = new JsonArray("EC2", "FARGATE"),
            ["registeredAt"] = 1.7e9, ["registeredBy"] = "arn:aws:iam::123456789012:user/ops",
            ["containerDefinitions"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "web", ["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:old", ["essential"] = true,
                    ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
                    ["environment"] = new JsonArray(new JsonObject { ["name"] = "MODE", ["value"] = "prod" }),
                    ["logConfiguration"] = new JsonObject { ["logDriver"] = "awslogs", ["options"] = new JsonObject
                        { ["awslogs-group"] = "/ecs/web", ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "ecs" } },
                },
                new JsonObject { ["name"] = "sidecar", ["image"] = "datadog/agent:7", ["essential"] = false }),
        });
        Tags["web:7"] = [new JsonObject { ["key"] = "team", ["value"] = "shop" }];
        _deployments.Add(Deployment("web:7", "PRIMARY", "COMPLETED", 2));
    }

    public FakeAws Logs { get; } = new();
    public List<JsonObject> Revisions { get; } = [];
    public Dictionary<string, List<JsonObject>> Tags { get; } = [];
    public Play Next { get; set; } = Play.Completes;
    public int Desired { get; private set; } = 2;
    public JsonObject? LastRegistered { get; private set; }

    /// <summary>Set when a rollout to a registered revision has started (the first UpdateService that names one).</summary>
    public TaskCompletionSource RolloutStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Calls { get { lock (_gate) return [.. _calls]; } }
    public string Primary { get { lock (_gate) return Name((string)_deployments.First(d => (string)d["status"]! == "PRIMARY")["taskDefinition"]!); } }
    public string PrimaryRollout { get { lock (_gate) return (string)_deployments.First(d => (string)d["status"]! == "PRIMARY")["rolloutState"]!; } }

    public void AssertNoViolations()
    {
        lock (_gate) Assert.True(_violations.Count == 0, "Requests that break botocore's models:\n" + string.Join('\n', _violations));
        Logs.AssertNoViolations();
    }

    private static string Name(string arn) => arn[(arn.LastIndexOf('/') + 1)..];

    private JsonObject Deployment(string revision, string status, string rollout, int running) => new()
    {
        ["id"] = $"ecs-svc/{++_ids:0000000000}", ["status"] = status, ["taskDefinition"] = Arn + revision, ["desiredCount"] = Desired,
        ["pendingCount"] = Desired - running, ["runningCount"] = running, ["failedTasks"] = 0, ["rolloutState"] = rollout, ["createdAt"] = 1.7e9 + _ids,
    };

    private void Event(string message) => _events.Insert(0, new JsonObject { ["id"] = $"ev-{_events.Count + 1}", ["createdAt"] = 1.7e9, ["message"] = $"(service web) {message}" });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = request.Headers.TryGetValues("Authorization", out var a) ? string.Join(",", a) : "";
        if (!auth.Contains("/ecs/", StringComparison.Ordinal))
            return await new HttpMessageInvoker(_others, disposeHandler: false).SendAsync(request, cancellationToken);
        var (op, problems, _, body) = await AwsModel.CheckAsync(request, cancellationToken);
        lock (_gate)
        {
            _calls.Add(op ?? "?");
            _violations.AddRange(problems);
            var answer = op switch
            {
                "DescribeServices" => DescribeServices(),
                "DescribeTaskDefinition" => DescribeTaskDefinition((string)body!["taskDefinition"]!),
                "RegisterTaskDefinition" => Register(body!),
                "UpdateService" => Update(body!),
                "ListTasks" => new JsonObject { ["taskArns"] = new JsonArray([.. _stopped.Select(t => (JsonNode)JsonValue.Create((string)t["taskArn"]!))]) },
                "RunTask" => Run(body!),
                "StopTask" => Stop((string)body!["task"]!),
                "DescribeTasks" => new JsonObject { ["tasks"] = new JsonArray([.. AdvanceRuns().Concat(_stopped).Where(t => body!["tasks"]!.AsArray().Any(a => (string?)a == (string)t["taskArn"]!)).Select(t => (JsonNode)t.DeepClone())]) },
                "ListTaskDefinitions" => new JsonObject { ["taskDefinitionArns"] = new JsonArray([.. Revisions.AsEnumerable().Reverse().Select(r => (JsonNode)JsonValue.Create((string)r["taskDefinitionArn"]!))]) },
                _ => null,
            };
            return answer is null
                ? Json(HttpStatusCode.BadRequest, new JsonObject { ["__type"] = "ClientException", ["message"] = $"Unable to describe task definition." })
                : Json(HttpStatusCode.OK, answer);
        }
    }

    private JsonObject Service() => new()
    {
        ["serviceName"] = "web", ["status"] = "ACTIVE", ["desiredCount"] = Desired,
        ["runningCount"] = (int)_deployments.First(d => (string)d["status"]! == "PRIMARY")["runningCount"]!,
        ["pendingCount"] = (int)_deployments.First(d => (string)d["status"]! == "PRIMARY")["pendingCount"]!,
        ["taskDefinition"] = _deployments.First(d => (string)d["status"]! == "PRIMARY")["taskDefinition"]!.DeepClone(),
        ["deployments"] = new JsonArray([.. _deployments.Select(d => (JsonNode)d.DeepClone())]),
        ["events"] = new JsonArray([.. _events.Select(e => (JsonNode)e.DeepClone())]),
    };

    private JsonObject DescribeServices()
    {
        foreach (var d in _deployments.Where(d => (string)d["rolloutState"]! == "IN_PROGRESS").ToList()) Advance(d);
        return new JsonObject { ["services"] = new JsonArray(Service()), ["failures"] = new JsonArray() };
    }

    private void Advance(JsonObject d)
    {
        var id = (string)d["id"]!;
        var (play, step) = _plays.GetValueOrDefault(id);
        _plays[id] = (play, ++step);
        switch (play)
        {
            case Play.Completes when step == 1:
                (d["runningCount"], d["pendingCount"]) = (1, Desired - 1);
                break;
            case Play.Completes:
                (d["runningCount"], d["pendingCount"], d["rolloutState"]) = (Desired, 0, "COMPLETED");
                _deployments.RemoveAll(o => o != d);
                Event("has reached a steady state.");
                break;
            case Play.CircuitBreaker when step == 1:
                var task = $"arn:aws:ecs:us-east-1:123456789012:task/default/{id[^4..]}a1b2c3d4e5f6";
                _stopped.Add(new JsonObject
                {
                    ["taskArn"] = task, ["taskDefinitionArn"] = d["taskDefinition"]!.DeepClone(), ["lastStatus"] = "STOPPED", ["desiredStatus"] = "STOPPED",
                    ["startedBy"] = id, ["stopCode"] = "EssentialContainerExited", ["stoppedReason"] = "Essential container in task exited", ["stoppedAt"] = 1.7e9 + 60,
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["lastStatus"] = "STOPPED", ["exitCode"] = 1, ["reason"] = "Error: DATABASE_URL is not set" }),
                });
                d["failedTasks"] = 1;
                Event($"has stopped 1 running tasks: (task {task[^16..]}).");
                break;
            case Play.CircuitBreaker when step == 3:
                (d["rolloutState"], d["status"], d["rolloutStateReason"]) = ("FAILED", "ACTIVE", "ECS deployment circuit breaker: tasks failed to start.");
                var back = Deployment("web:7", "PRIMARY", "IN_PROGRESS", 0);
                _deployments.RemoveAll(o => o != d);
                _deployments.Insert(0, back);
                Event("(deployment ecs-svc) deployment failed: tasks failed to start. Rolling back to web:7.");
                break;
        }
    }

    private JsonObject DescribeTaskDefinition(string name)
    {
        var td = Revisions.FirstOrDefault(r => Name((string)r["taskDefinitionArn"]!) == Name(name) || (string)r["taskDefinitionArn"]! == name);
        if (td is null) return null!;
        return new JsonObject { ["taskDefinition"] = td.DeepClone(), ["tags"] = new JsonArray([.. Tags.GetValueOrDefault(Name((string)td["taskDefinitionArn"]!), []).Select(t => (JsonNode)t.DeepClone())]) };
    }

    private JsonObject Register(JsonObject body)
    {
        LastRegistered = (JsonObject)body.DeepClone();
        var revision = Revisions.Count + 7;
        var td = (JsonObject)body.DeepClone();
        td.Remove("tags");
        td["taskDefinitionArn"] = Arn + $"web:{revision}";
        td["revision"] = revision;
        td["status"] = "ACTIVE";
        Revisions.Add(td);
        Tags[$"web:{revision}"] = [.. (body["tags"] as JsonArray ?? []).Select(t => (JsonObject)t!.DeepClone())];
        return new JsonObject { ["taskDefinition"] = td.DeepClone(), ["tags"] = body["tags"]?.DeepClone() };
    }

    private JsonObject Update(JsonObject body)
    {
        if (body["desiredCount"] is { } count) Desired = (int)count;
        var revision = body["taskDefinition"] is { } t ? Name((string)t!) : Primary;
        if (body["taskDefinition"] is not null || body["forceNewDeployment"] is not null)
        {
            foreach (var d in _deployments) d["status"] = "ACTIVE";
            var fresh = Deployment(revision, "PRIMARY", "IN_PROGRESS", 0);
            _deployments.Insert(0, fresh);
            _plays[(string)fresh["id"]!] = (Next, 0);
            Next = Play.Completes;
            Event($"has started {Desired} tasks: (deployment {fresh["id"]}).");
            if (revision != "web:7") RolloutStarted.TrySetResult();
        }
        return new JsonObject { ["service"] = Service() };
    }

    private JsonObject Run(JsonObject body)
    {
        RunRequests.Add((JsonObject)body.DeepClone());
        var task = new JsonObject
        {
            ["taskArn"] = $"arn:aws:ecs:us-east-1:123456789012:task/default/run{_runs.Count + 1}f00d", ["taskDefinitionArn"] = body["taskDefinition"]!.DeepClone(),
            ["lastStatus"] = "PROVISIONING", ["desiredStatus"] = "RUNNING", ["startedBy"] = body["startedBy"]?.DeepClone(),
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["lastStatus"] = "PENDING" }),
        };
        _runs.Add(task);
        _exits[(string)task["taskArn"]!] = RunExit;
        return new JsonObject { ["tasks"] = new JsonArray(task.DeepClone()), ["failures"] = new JsonArray() };
    }

    /// <summary>Each look moves a one-off task on: PROVISIONING, RUNNING, then STOPPED with its exit code (unless it never stops).</summary>
    private List<JsonObject> AdvanceRuns()
    {
        foreach (var task in _runs.Where(t => (string)t["lastStatus"]! != "STOPPED"))
        {
            var exit = _exits[(string)task["taskArn"]!];
            if ((string)task["lastStatus"]! == "PROVISIONING") (task["lastStatus"], task["containers"]![0]!["lastStatus"]) = ("RUNNING", "RUNNING");
            else if (exit is not null)
            {
                (task["lastStatus"], task["desiredStatus"], task["stoppedReason"]) = ("STOPPED", "STOPPED", "Essential container in task exited");
                (task["containers"]![0]!["lastStatus"], task["containers"]![0]!["exitCode"]) = ("STOPPED", exit);
            }
        }
        return _runs;
    }

    private JsonObject Stop(string arn)
    {
        StopRequests.Add(arn);
        var task = _runs.First(t => (string)t["taskArn"]! == arn);
        (task["lastStatus"], task["desiredStatus"], task["stoppedReason"]) = ("STOPPED", "STOPPED", "Task stopped by user");
        return new JsonObject { ["task"] = task.DeepClone() };
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1") };
}
