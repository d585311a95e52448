using Bot.Configuration;
using Bot.Sources.GitHub;

namespace Bot.Deployments.Pushes;

/// <summary>
/// The CI gate on GitHub: both kinds of results of the commit (commit statuses and check runs, which Actions and apps
/// report) judged by the environment's <c>RequireChecks</c> (<see cref="ChecksVerdict"/>).
/// </summary>
public sealed class GitHubGate(GitHubApi api) : ICommitChecks
{
    public async Task<GateVerdict> JudgeAsync(AppEnvConfig env, string sha, CancellationToken cancellationToken)
    {
        var repo = env.Push.GitHubRepository(env.Repository)
            ?? throw new InvalidOperationException($"{env.App} has no GitHub repository to read checks from (set GitHub: owner/repo)");
        var results = await api.ReadChecksAsync(repo, sha, cancellationToken).ConfigureAwait(false);
        var verdict = ChecksVerdict.Judge(results, env.Push.AllChecks, env.Push.RequiredChecks);
        return new GateVerdict(verdict switch
        {
            ChecksVerdict.Passed => GateState.Passed,
            ChecksVerdict.Failed => GateState.Failed,
            _ => GateState.Pending,
        }, verdict.Text);
    }
}
