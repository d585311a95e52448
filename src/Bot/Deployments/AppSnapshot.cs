namespace Bot.Deployments;

/// <summary>
/// What <c>status</c> shows for one app, read together: its locks, what is under way, and what is live per environment;
/// <see cref="Doubts"/> names the environments where that last success may not be what serves.
/// </summary>
public sealed record AppSnapshot(
    IReadOnlyList<LockInfo> Locks, IReadOnlyList<Deployment> Active, IReadOnlyDictionary<string, Deployment?> Live,
    IReadOnlyDictionary<string, ServingDoubt>? Doubts = null)
{
    public ServingDoubt? DoubtFor(string env) => Doubts?.GetValueOrDefault(env);

    /// <summary>What holds <paramref name="env"/> against <paramref name="user"/>, by <see cref="LockRules"/>, as enqueueing would say.</summary>
    public Blocked? BlockerFor(string env, string user) =>
        LockRules.Blocking(Locks, env, user) is { } l
            ? new Blocked(l, l.Kind == LockKind.Deploy ? Active.FirstOrDefault(d => d.Id == l.DeploymentId) : null)
            : null;
}
