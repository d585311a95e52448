using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// Targets that hold a new release back behind a split (a Lambda canary, a Cloud Run traffic share) can send it all the
/// traffic at once: <c>promote &lt;app&gt; [canary]</c>. <paramref name="what"/> is the word typed after the app (null when
/// none). Returns the answer for chat; a refusal is a <see cref="DeployFailedException"/>.
/// </summary>
public interface ICanPromote
{
    Task<string> PromoteAsync(AppEnvConfig app, string? what, CancellationToken ct);
}
