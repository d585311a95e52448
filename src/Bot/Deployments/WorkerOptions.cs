namespace Bot.Deployments;

public sealed record WorkerOptions
{
    public int MaxConcurrentJobs { get; init; } = 4;
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan RenewEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle worker looks for work queued by other processes and for leases that ran out.</summary>
    public TimeSpan IdleCheck { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// This process runs what it queues (the console's <c>send</c>): its requests name it in <see cref="NewDeployment.RunBy"/>,
    /// so that one it dies before starting is ended by recovery rather than left queued, holding its lock, with nobody to run it.
    /// </summary>
    public bool RunsOwnRequests { get; init; }

    /// <summary>
    /// Recovers only deployments asked for on this platform. The console (<c>chat</c>, <c>send</c>) sets it: it ends
    /// its own abandoned work, never a job that a <c>serve</c> or <c>worker</c> runs for Slack or LINE.
    /// </summary>
    public string? RecoversOnlyFrom { get; init; }
}
