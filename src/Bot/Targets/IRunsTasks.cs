using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// Targets that run an app's named one-off tasks (<c>run web migrate</c>) against its live release: a Heroku one-off dyno,
/// a Cloud Run job execution, a Lambda invocation, a command in the shell release folder. The task's output comes as
/// <see cref="OutputLine"/>s; it succeeds when the enumeration completes (saying how it exited in a <see cref="Notice"/>)
/// and fails with a <see cref="DeployFailedException"/> that gives the exit code or error. On cancellation the target
/// stops the task where the platform can, then lets the cancellation through.
/// </summary>
public interface IRunsTasks
{
    IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, CancellationToken cancellationToken);

    /// <summary>What a cancelled task's card says happened to it, true of this target (<c>it was stopped.</c>).</summary>
    string StoppedNote => "it was stopped.";
}

/// <param name="Sha">The commit of the live release when the bot knows it, else null.</param>
public sealed record TaskRequest(AppEnvConfig App, int Number, AppTask Task, string? Sha, string? By = null);
