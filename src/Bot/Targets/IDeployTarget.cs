using Bot.Configuration;

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
