using Bot.Configuration;

namespace Bot.Deployments.Pushes;

/// <summary>Reads a commit's CI results where the environment's repository keeps them (GitHub) and judges them by its <c>RequireChecks</c>.</summary>
public interface ICommitChecks
{
    /// <summary>Throws when the results cannot be read now (the gate tries again; the wait's time limit still runs).</summary>
    Task<GateVerdict> JudgeAsync(AppEnvConfig env, string sha, CancellationToken cancellationToken);
}
