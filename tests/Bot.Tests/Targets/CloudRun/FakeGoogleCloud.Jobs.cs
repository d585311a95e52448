using System.Text.Json.Nodes;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>How the next execution of a job goes: the lines its task prints, whether it fails, whether it keeps running.</summary>
public sealed record ExecutionScript(string[] Lines, bool Fails = false, bool Hold = false);

/// <summary>An execution as the fake runs it: one look to start, one to print, one to end.</summary>
public sealed class FakeExecution(string name, string job, JsonObject body, ExecutionScript script)
{
    public string Name { get; } = name;
    public string Job { get; } = job;
    public JsonObject Body { get; } = body;
    public ExecutionScript Script { get; } = script;
    public int Looks { get; set; }
    public DateTimeOffset? Started { get; set; }
    public DateTimeOffset? Completed { get; set; }
    public string State { get; set; } = "PENDING";
    public bool Cancelled { get; set; }
    public string ShortName => Name[(Name.LastIndexOf('/') + 1)..];
}

/// <summary>
/// Cloud Run jobs: <c>jobs.run</c> starts an execution (an operation whose metadata is the execution), which moves along at
/// each <c>executions.get</c> — started, its lines printed, then ended with a <c>Container called exit(n).</c> line and its
/// completion time — and logs as Cloud Run does (<c>cloud_run_job</c>, the execution named in the entry's labels), shown
/// <see cref="LogDelay"/> late. <c>executions.cancel</c> ends it cancelled.
/// </summary>
public sealed partial class FakeGoogleCloud
{
    private readonly Dictionary<string, FakeExecution> _executions = [];
    private readonly HashSet<string> _jobs = [];
    private readonly TaskCompletionSource _executionRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How the next execution goes.</summary>
    public ExecutionScript NextExecution { get; set; } = new(["Applying migrations", "Done."]);

    public IReadOnlyList<FakeExecution> Executions { get { lock (_gate) return [.. _executions.Values]; } }

    /// <summary>Completes when an execution has been seen running.</summary>
    public Task ExecutionRunning => _executionRunning.Task;

    public void AddJob(string name)
    {
        lock (_gate) _jobs.Add($"projects/{Project}/locations/{Region}/jobs/{name}");
    }

    private (int, JsonNode) RunJob(string path, JsonObject body)
    {
        var job = path["v2/".Length..^":run".Length];
        if (!_jobs.Contains(job)) return Error(404, "NOT_FOUND", $"Resource '{job}' was not found");
        var name = $"{job}/executions/{job[(job.LastIndexOf('/') + 1)..]}-{Guid.NewGuid().ToString("N")[..5]}";
        var execution = new FakeExecution(name, job, body, NextExecution);
        _executions[name] = execution;
        var operation = $"projects/{Project}/locations/{Region}/operations/{Guid.NewGuid()}";
        _operations[operation] = new JsonObject { ["name"] = operation, ["done"] = false, ["looks"] = 0 };
        var metadata = ExecutionJson(execution);
        metadata["@type"] = "type.googleapis.com/google.cloud.run.v2.Execution";
        return (200, new JsonObject { ["name"] = operation, ["done"] = false, ["metadata"] = metadata });
    }

    private (int, JsonNode) GetExecution(string path)
    {
        if (!_executions.TryGetValue(path["v2/".Length..], out var execution)) return Error(404, "NOT_FOUND", "no such execution");
        Advance(execution);
        return (200, ExecutionJson(execution));
    }

    private (int, JsonNode) CancelExecution(string path)
    {
        if (!_executions.TryGetValue(path["v2/".Length..^":cancel".Length], out var execution)) return Error(404, "NOT_FOUND", "no such execution");
        execution.Cancelled = true;
        if (execution.Completed is null)
        {
            execution.State = "CANCELLED";
            execution.Completed = Now();
        }
        var operation = $"projects/{Project}/locations/{Region}/operations/{Guid.NewGuid()}";
        return (200, new JsonObject { ["name"] = operation, ["done"] = false, ["metadata"] = ExecutionJson(execution) });
    }

    private void Advance(FakeExecution execution)
    {
        if (execution.Completed is not null) return;
        execution.Looks++;
        var now = Now();
        if (execution.Looks == 1)
        {
            execution.State = "RUNNING";
            execution.Started = now;
            _executionRunning.TrySetResult();
            return;
        }
        if (execution.Looks == 2)
        {
            foreach (var line in execution.Script.Lines) LogExecution(execution, line, line.StartsWith("Error", StringComparison.Ordinal) ? "ERROR" : "INFO");
            return;
        }
        if (execution.Script.Hold) return;
        LogExecution(execution, $"Container called exit({(execution.Script.Fails ? 1 : 0)}).", execution.Script.Fails ? "ERROR" : "INFO");
        execution.State = execution.Script.Fails ? "FAILED" : "SUCCEEDED";
        execution.Completed = DateTimeOffset.FromUnixTimeMilliseconds(_clock);
    }

    private void LogExecution(FakeExecution execution, string text, string severity) =>
        AddEntry("cloud_run_job", new JsonObject { ["job_name"] = execution.Job[(execution.Job.LastIndexOf('/') + 1)..], ["location"] = Region, ["project_id"] = Project },
            text, severity, new JsonObject
            {
                ["run.googleapis.com/execution_name"] = execution.ShortName, ["run.googleapis.com/task_index"] = "0", ["run.googleapis.com/task_attempt"] = "0",
            });

    private JsonObject ExecutionJson(FakeExecution e)
    {
        var json = new JsonObject
        {
            ["name"] = e.Name, ["job"] = e.Job[(e.Job.LastIndexOf('/') + 1)..], ["taskCount"] = 1, ["parallelism"] = 1,
            ["createTime"] = DateTimeOffset.UtcNow.ToString("O"), ["reconciling"] = e.Completed is null,
            ["runningCount"] = e.State == "RUNNING" ? 1 : 0,
            ["logUri"] = $"https://console.cloud.google.com/logs/viewer?project={Project}&advancedFilter=execution%3D{e.ShortName}",
        };
        if (e.Started is { } started) json["startTime"] = started.ToString("O");
        if (e.Completed is { } completed) json["completionTime"] = completed.ToString("O");
        if (e.State == "SUCCEEDED") json["succeededCount"] = 1;
        if (e.State == "FAILED") json["failedCount"] = 1;
        if (e.State == "CANCELLED") json["cancelledCount"] = 1;
        var (state, message) = e.State switch
        {
            "SUCCEEDED" => ("CONDITION_SUCCEEDED", null),
            "FAILED" => ("CONDITION_FAILED", $"Task {e.ShortName}-task0 failed with message: The container exited with an exit code of 1."),
            "CANCELLED" => ("CONDITION_FAILED", "The execution was cancelled."),
            _ => ("CONDITION_PENDING", null),
        };
        var completedCondition = new JsonObject { ["type"] = "Completed", ["state"] = state };
        if (message is not null) completedCondition["message"] = message;
        json["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "ResourcesAvailable", ["state"] = "CONDITION_SUCCEEDED" },
            new JsonObject { ["type"] = "Started", ["state"] = e.Started is null ? "CONDITION_PENDING" : "CONDITION_SUCCEEDED" },
            completedCondition);
        return json;
    }
}
