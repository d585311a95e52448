namespace Bot.Deployments;

/// <summary>
/// Starts a process to run queued work where none runs in the background (a web function on Lambda, frozen once it
/// has answered, invokes the worker function). Called after a job is queued and before the request is answered.
/// </summary>
public interface IJobWaker
{
    Task WakeAsync(CancellationToken cancellationToken);
}
