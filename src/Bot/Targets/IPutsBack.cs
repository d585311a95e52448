using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// Targets that announce <see cref="GoingLive"/> put the release that served before back when the deployment then ends
/// any way but success (failed health, cancel, time limit, shutdown, a crash found on restart). Completing means it
/// serves again; <see cref="DeployFailedException"/> means it could not be put back. Not cancellable by design:
/// stopping half-way would leave nothing serving.
/// </summary>
public interface IPutsBack
{
    IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, CancellationToken cancellationToken);
}
