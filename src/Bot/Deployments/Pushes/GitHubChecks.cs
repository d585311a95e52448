using Bot.Configuration;

namespace Bot.Deployments.Pushes;

/// <summary>Reads a commit's checks on GitHub (the client lands with the GitHub source).</summary>
public sealed class GitHubChecks : ICommitChecks
{
    public Task<GateVerdict> JudgeAsync(AppEnvConfig env, string sha, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the GitHub client is not built in yet");
}
