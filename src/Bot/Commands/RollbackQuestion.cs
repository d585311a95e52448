using Bot.Configuration;
using Bot.Deployments;

namespace Bot.Commands;

/// <summary>
/// A rollback to a release built from the commit that is live already changes no code (it may still change config or
/// a rebuilt artifact): the bot says so and asks first; <c>rollback … --yes</c> goes ahead.
/// </summary>
public static class RollbackQuestion
{
    public static CommandResult? SameCommitAsLive(RollbackCommand c, AppEnvConfig env, Deployment? live, string? release, string? sha)
    {
        if (c.Confirmed || live?.Sha is not { } liveSha || sha is null || !string.Equals(sha, liveSha, StringComparison.OrdinalIgnoreCase)) return null;
        var what = release is null ? $"commit {sha[..Math.Min(7, sha.Length)]}" : $"release {release}";
        var yes = CommandText.Render(c with { Release = c.Release ?? release, Env = c.Env ?? env.Env, Confirmed = true }, env.App)!;
        return new CommandResult(
            [new ChatMessage(
                $"The live release of {env.App} in {env.Env} (#{live.Number}) has the same commit ({liveSha[..Math.Min(7, liveSha.Length)]}) as {what}, " +
                $"so rolling back changes no code. Roll back anyway? Type `{yes}`.",
                Tone.Warning, [new ChatAction("Roll back anyway", yes), new ChatAction("History", $"history {env.App} in {env.Env}")])],
            true);
    }
}
