using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets;

namespace Bot.Tests.Targets.Lambda;

/// <summary>Tasks as invocations of the function at the alias, on the fake Lambda: the payload, the log tail, errors.</summary>
public sealed class LambdaTaskTests
{
    private static LambdaTargetRig Rig(params (string Key, string Value)[] tasks) => new(tasks.ToDictionary(t => $"Tasks:{t.Key}", t => t.Value));

    private static Task<List<DeployEvent>> RunAsync(LambdaTargetRig rig, string task) =>
        rig.DriveAsync(rig.Target.RunTaskAsync(new TaskRequest(rig.App, 9, rig.App.Tasks[task], null, "alice"), default));

    [Fact]
    public async Task A_task_invokes_live_with_its_payload_and_shows_the_log_tail_then_the_answer()
    {
        var rig = Rig(("reindex:Payload:job", "reindex"), ("reindex:Payload:full", "true"), ("reindex:Payload:batch", "500"),
            ("reindex:Payload:since", "007"), ("reindex:Payload:ids:0", "a"), ("reindex:Payload:ids:1", "b"));
        rig.Aws.InvokeLog.AddRange(["START RequestId: 8f5c Version: 1", "reindexed 42 rows", "END RequestId: 8f5c"]);
        rig.Aws.InvokeAnswer = new JsonObject { ["rows"] = 42 };

        var events = await RunAsync(rig, "reindex");

        var (qualifier, payload) = Assert.Single(rig.Aws.Invocations);
        Assert.Equal("live", qualifier);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"batch": 500, "full": true, "ids": ["a", "b"], "job": "reindex", "since": "007"}"""), JsonNode.Parse(payload)), payload);
        Assert.Equal(["START RequestId: 8f5c Version: 1", "reindexed 42 rows", "END RequestId: 8f5c", """{"rows":42}"""],
            events.OfType<OutputLine>().Select(o => o.Text));
        Assert.Equal(new StepStarted("reindex"), events[0]);
        Assert.Contains(events, e => e is StepFinished { Step: "reindex" });
        Assert.Equal("reindex returned after 0.0s (version 1 ran it).", Assert.IsType<Notice>(events[^1]).Text);
        Assert.Equal(["Invoke"], rig.Aws.Calls);
        rig.Aws.AssertNoViolations();
    }

    [Theory]
    [InlineData("Payload", """{"job": "nightly"}""", """{"job": "nightly"}""")]
    [InlineData("Command", "manage.py migrate", """{"command": "manage.py migrate"}""")]
    [InlineData("Lock", "true", "{}")]
    public async Task The_payload_is_the_JSON_given_else_the_command_else_empty(string key, string value, string sent)
    {
        var rig = Rig(($"job:{key}", value));

        await RunAsync(rig, "job");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sent), JsonNode.Parse(rig.Aws.Invocations[0].Payload)));
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_in_the_short_form_sends_its_command()
    {
        var rig = Rig(("migrate", "python manage.py migrate"));

        await RunAsync(rig, "migrate");

        Assert.Equal("""{"command":"python manage.py migrate"}""", rig.Aws.Invocations[0].Payload);
    }

    [Fact]
    public async Task An_error_the_function_reports_fails_the_task_with_its_type_and_message_after_its_log()
    {
        var rig = Rig(("migrate", "python manage.py migrate"));
        rig.Aws.InvokeLog.Add("Traceback (most recent call last):");
        rig.Aws.SmokeError = "relation \"users\" does not exist";

        var failed = await Assert.ThrowsAsync<DeployFailedException>(() => RunAsync(rig, "migrate"));

        Assert.Equal("migrate failed: Error: relation \"users\" does not exist", failed.Message);
        Assert.Contains("run api migrate", failed.Hint);
        Assert.Equal(["Traceback (most recent call last):"], rig.Events.OfType<OutputLine>().Select(o => o.Text));
        Assert.DoesNotContain(rig.Events, e => e is StepFinished);
    }

    [Fact]
    public void A_payload_that_is_not_JSON_stops_startup_naming_its_key()
    {
        var bad = Assert.Throws<ConfigException>(() => Rig(("seed:Payload", "{job: seed")));

        Assert.Equal("Apps:api:Tasks:seed:Payload", bad.Key);
    }

    [Fact]
    public void A_cancelled_task_is_said_to_run_on_since_Lambda_cannot_stop_it()
    {
        IRunsTasks runner = new LambdaTargetRig().Target;

        Assert.Equal("Lambda cannot stop an invocation once it has started; it may still finish on its own.", runner.StoppedNote);
    }
}
