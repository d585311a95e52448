using Bot.Configuration;
using Bot.Deployments.Pushes;

namespace Bot.Tests.Pushes;

/// <summary>CI results a test sets per commit; unset commits are pending ("build (queued)"). Counts how often each was read.</summary>
public sealed class FakeChecks : ICommitChecks
{
    private readonly Dictionary<string, GateVerdict> _verdicts = [];

    public Dictionary<string, int> Reads { get; } = [];

    public void Set(string sha, GateState state, string text)
    {
        lock (_verdicts) _verdicts[sha] = new GateVerdict(state, text);
    }

    public Task<GateVerdict> JudgeAsync(AppEnvConfig env, string sha, CancellationToken cancellationToken)
    {
        lock (_verdicts)
        {
            Reads[sha] = Reads.GetValueOrDefault(sha) + 1;
            return Task.FromResult(_verdicts.GetValueOrDefault(sha) ?? new GateVerdict(GateState.Pending, "waiting for checks: build (queued)"));
        }
    }
}
