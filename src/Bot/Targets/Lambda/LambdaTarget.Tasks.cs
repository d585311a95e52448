using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Text;

namespace Bot.Targets.Lambda;

/// <summary>
/// A task is one synchronous invocation of the function at the alias the app serves, with the task's payload
/// (<see cref="TaskPayload"/>): the end of its log and its answer are the task's output, and an error the function
/// reports (<c>X-Amz-Function-Error</c>) fails the task.
/// </summary>
public sealed partial class LambdaTarget : IRunsTasks
{
    /// <summary>How much of the function's answer is shown: a few lines, each clipped.</summary>
    public const int AnswerLines = 5;
    public const int AnswerLineLength = 300;

    public string StoppedNote => "Lambda cannot stop an invocation once it has started; it may still finish on its own.";

    public IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, CancellationToken cancellationToken) =>
        RunTaskCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> RunTaskCoreAsync(TaskRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var (app, task, s) = (request.App, request.Task, LambdaSettings.Read(request.App));
        var payload = TaskPayload.Of(task);
        yield return new StepStarted(task.Name);
        var started = time.GetTimestamp();
        yield return new Notice($"Invoking {s.Function}:{s.Alias} with {payload.Length} bytes of payload.");
        var answer = await lambda.InvokeAsync(s.Function, s.Alias, payload, ct, tail: true).ConfigureAwait(false);
        foreach (var line in answer.LogLines())
            yield return new OutputLine(line);
        if (answer.FunctionError is { Length: > 0 } kind)
        {
            var (type, message) = ErrorOf(answer);
            throw new DeployFailedException($"{task.Name} failed: {type ?? kind}: {message ?? answer.PayloadText()}",
                $"The end of its log is above; `logs {app.App} grep ERROR` shows more. Fix it, then `run {app.App} {task.Name}` again.");
        }
        foreach (var line in AnswerOf(answer))
            yield return new OutputLine(line);
        var elapsed = time.GetElapsedTime(started);
        yield return new StepFinished(task.Name, elapsed);
        yield return new Notice($"{task.Name} returned after {Format.Duration(elapsed)}" +
            (answer.ExecutedVersion is { } v ? $" (version {v} ran it)." : "."));
    }

    /// <summary>The answer's first lines, each clipped; a note of how many more there were.</summary>
    private static IEnumerable<string> AnswerOf(InvokeResult answer)
    {
        var text = System.Text.Encoding.UTF8.GetString(answer.Payload).Trim();
        if (text.Length == 0 || text == "null") yield break;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        foreach (var line in lines.Take(AnswerLines))
            yield return Tokens.Clip(line, AnswerLineLength);
        if (lines.Length > AnswerLines)
            yield return $"… and {lines.Length - AnswerLines} more line{(lines.Length - AnswerLines == 1 ? "" : "s")} of its answer.";
    }

    /// <summary><c>errorType</c> and <c>errorMessage</c> of the error payload Lambda's runtimes send; nulls when it is not one.</summary>
    private static (string? Type, string? Message) ErrorOf(InvokeResult answer)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(answer.Payload);
            if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return (null, null);
            string? Read(string name) => json.RootElement.TryGetProperty(name, out var p) && p.ValueKind == System.Text.Json.JsonValueKind.String ? p.GetString() : null;
            return (Read("errorType"), Read("errorMessage") is { } m ? Tokens.Clip(m, AnswerLineLength) : null);
        }
        catch (System.Text.Json.JsonException) { return (null, null); }
    }
}
