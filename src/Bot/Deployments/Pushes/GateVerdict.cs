namespace Bot.Deployments.Pushes;

/// <summary>What a commit's CI results say for one environment's gate, and that said in a line for the card.</summary>
public sealed record GateVerdict(GateState State, string Text)
{
    public static readonly GateVerdict Passed = new(GateState.Passed, "checks passed");
}
