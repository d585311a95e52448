namespace Bot.Deployments;

/// <summary>
/// One numbered line of a deployment's story as the store keeps it (<see cref="Seq"/> grows): a state it reached, a
/// step, an output line, a notice. What a target yields is a <see cref="Targets.DeployEvent"/>; the runner records it as this.
/// </summary>
public sealed record StoryLine(long DeploymentId, long Seq, DateTimeOffset At, LineKind Kind, string Text)
{
    /// <summary>The state a <see cref="LineKind.State"/> line says the deployment reached; null on every other kind.</summary>
    public DeploymentState? State { get; init; }

    /// <summary>A line as the store keeps it: a state line's text is the state's stored name, read back here and nowhere else.</summary>
    internal static StoryLine Stored(long deploymentId, long seq, DateTimeOffset at, LineKind kind, string text) =>
        new(deploymentId, seq, at, kind, text) { State = kind == LineKind.State ? StoreNames.StateOf(text) : null };

    /// <summary>The line that says <paramref name="d"/> is now in its state.</summary>
    public static StoryLine StateOf(Deployment d, long seq, DateTimeOffset at) =>
        new(d.Id, seq, at, LineKind.State, StoreNames.Name(d.State)) { State = d.State };
}
