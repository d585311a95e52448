using Bot.Configuration;
using Bot.Sources;

namespace Bot.Targets;

/// <summary>
/// One kind of place an app runs (shell, heroku, lambda, cloudrun). Deploying yields progress events;
/// completing means success and throwing <see cref="DeployFailedException"/> means a failure to tell
/// the user about. A target knows nothing of chat or the store.
/// </summary>
public interface IDeployTarget
{
    string Kind { get; }

    /// <summary>Checks the target's own keys of one app/environment at startup; throws <see cref="ConfigException"/>.</summary>
    void Validate(AppEnvConfig app);

    IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, CancellationToken cancellationToken);

    IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken);

    Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// What to deploy: a resolved commit (when the app has a repository) or just a ref such as an image tag.
/// <see cref="By"/> is who asked, for the target's own records (a Lambda version's description, a revision's annotation).
/// </summary>
public sealed record DeployRequest(AppEnvConfig App, int Number, string? Ref, ResolvedCommit? Commit, SourceSnapshot? Source, string? By = null);

/// <summary>
/// Put an earlier release back. <see cref="Release"/> is the target's own name for it (a release
/// folder, <c>v122</c>, a Lambda version); null lets the target pick the one before the current.
/// <see cref="Commit"/>/<see cref="Source"/> let a target rebuild a release it no longer has.
/// </summary>
public sealed record RollbackRequest(AppEnvConfig App, int Number, string? Release, ResolvedCommit? Commit, SourceSnapshot? Source);

public sealed record LogRequest(int Lines, TimeSpan? Since, string? Grep, IReadOnlyDictionary<string, string> Options);

/// <summary>Log lines, oldest first. <see cref="Note"/> says what was left out or where they came from.</summary>
public sealed record LogResult(IReadOnlyList<string> Lines, string? Note = null);

public abstract record DeployEvent;

/// <summary>A named step begins (build, deploy, health, release).</summary>
public sealed record StepStarted(string Step) : DeployEvent;

public sealed record StepFinished(string Step, TimeSpan Elapsed) : DeployEvent;

/// <summary>A line a build or deploy printed.</summary>
public sealed record OutputLine(string Text, bool IsError = false) : DeployEvent;

/// <summary>Something the target wants the user to know (a fallback taken, a retry).</summary>
public sealed record Notice(string Text, bool IsWarning = false) : DeployEvent;

/// <summary>
/// The target is about to change what serves (a shell <c>Deploy</c> starts, Heroku made a release): from here, any ending
/// but success needs <see cref="Previous"/> put back (<see cref="IPutsBack"/>). Null: nothing was live before.
/// </summary>
public sealed record GoingLive(string? Previous) : DeployEvent;

/// <summary>The new release is live: its name in the target's terms and where to see it.</summary>
public sealed record Released(string Release, string? Url) : DeployEvent;

/// <summary>A deploy that failed for a reason to show in chat (no stack trace): what happened and what to do.</summary>
public sealed class DeployFailedException(string message, string? hint = null) : Exception(message)
{
    public string? Hint { get; } = hint;
}

/// <summary>Optional capabilities; help only offers the verbs an app's target implements.</summary>
public interface ICanScale
{
    Task<string> ScaleAsync(AppEnvConfig app, IReadOnlyDictionary<string, int> quantities, string? size, CancellationToken cancellationToken);
}

public interface ICanRestart
{
    Task<string> RestartAsync(AppEnvConfig app, string? process, CancellationToken cancellationToken);
}

public interface ICanMaintain
{
    Task<string> SetMaintenanceAsync(AppEnvConfig app, bool on, CancellationToken cancellationToken);
}

/// <summary>Targets that keep their own release list (Heroku releases, Lambda versions) show it in <c>history</c>.</summary>
public interface IHasReleases
{
    Task<IReadOnlyList<TargetRelease>> ListReleasesAsync(AppEnvConfig app, int count, CancellationToken cancellationToken);
}

public sealed record TargetRelease(string Name, string Description, string? By, DateTimeOffset At, bool Current, string? Status);

/// <summary>Status details a target can add to <c>status app</c> (formation, dyno states, traffic split).</summary>
public interface IHasStatus
{
    Task<IReadOnlyList<string>> DescribeAsync(AppEnvConfig app, CancellationToken cancellationToken);
}
