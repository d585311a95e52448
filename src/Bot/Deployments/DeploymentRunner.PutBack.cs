using Bot.Configuration;
using Bot.Targets;
using Bot.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments;

/// <summary>Putting back what served before a deployment that ended any way but success once it had started going live.</summary>
public sealed partial class DeploymentRunner
{
    /// <summary>
    /// Runs the put-back job recovery queued for a deployment a dead process left going live (<paramref name="release"/>
    /// is what served before it), then frees the app/env lock that job held.
    /// </summary>
    public async Task<Deployment> PutBackAsync(long deploymentId, string release)
    {
        var deployment = await _store.GetAsync(deploymentId, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"deployment {deploymentId} is not in the store");
        var note = ServingNote.Parse(await _store.GetNoteAsync(ServingNote.Scope, ServingNote.Key(deployment.App, deployment.Env), CancellationToken.None).ConfigureAwait(false));
        var run = new Run(this, deployment);
        run.Resume(_apps.Find(deployment.App)?.ByEnv.GetValueOrDefault(deployment.Env), note?.DeploymentId == deployment.Id ? note.Step : null);
        using var span = DeploymentTrace.Start(deployment);
        var summary = await run.PutBackAsync(release).ConfigureAwait(false);
        var message = $"The bot stopped during {ServingNote.During(run.Step)}, so this did not finish. {summary}";
        var finished = await _store.FinishPutBackAsync(deployment.Id, _redactor.Redact(message), _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        DeploymentTrace.End(span, finished.State);
        PublishState(finished);
        return finished;
    }

    private sealed partial class Run
    {
        /// <summary>Picks up a deployment another process left: its app and the step it was in.</summary>
        public void Resume(AppEnvConfig? app, string? step)
        {
            (_app, _target, Step) = (app, app is null ? null : owner._targets.Get(app.Target), step);
        }

        /// <summary>Records what the bot can vouch for about what serves this app/env (<see cref="ServingNote"/>).</summary>
        public async Task NoteServingAsync(string value)
        {
            try
            {
                await owner._store.SetNoteAsync(ServingNote.Scope, ServingNote.Key(deployment.App, deployment.Env), value, owner._time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                owner._logger.LogWarning(e, "Could not note what serves {App} ({Env})", deployment.App, deployment.Env);
            }
        }

        /// <summary>Puts <paramref name="previous"/> back (not cancellable) and says, for the card, what is live now.</summary>
        public async Task<string> PutBackAsync(string? previous)
        {
            _puttingBack = true;
            EndStep();
            var app = deployment.App;
            var check = _app?.Url is { } url ? $"check {url} and `logs {app}`" : $"check with `logs {app}`";
            string? problem = null;
            if (previous is null)
                problem = $"There was no earlier release to put back, so {app} may be down: {check}.";
            else if (_app is null || _target is not IPutsBack target)
                problem = $"{app} is no longer configured here, so {previous} could not be put back; it may be down: {check}.";
            else
            {
                owner._logger.PuttingBack(app, deployment.Number, deployment.Env, previous);
                owner._metrics.RolledBack(RollbackReason.PutBack);
                using var span = DeploymentTrace.Step("put back");
                try
                {
                    await foreach (var e in target.PutBackAsync(_app, previous, CancellationToken.None).ConfigureAwait(false))
                    {
                        TraceStep(e);
                        await RecordAsync(e, CancellationToken.None).ConfigureAwait(false);
                    }
                    EndStep();
                }
                catch (DeployFailedException e)
                {
                    problem = $"{e.Message} {app} may be down: {check}.";
                }
                catch (Exception e)
                {
                    span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
                    owner._logger.LogError(e, "Putting {Release} of {App} back failed", previous, app);
                    problem = $"Putting {previous} back failed ({owner._redactor.Redact(e.Message)}), so {app} may be down: {check}.";
                }
            }
            await NoteServingAsync(problem is null ? ServingNote.Known : new ServingNote(deployment.Id, Step ?? "", problem).Format()).ConfigureAwait(false);
            if (problem is not null) return problem;
            var live = (await owner._store.SucceededAsync(app, deployment.Env, 1, CancellationToken.None).ConfigureAwait(false)).FirstOrDefault();
            var which = live?.Release == previous ? $" (#{live!.Number} {live.RefLabel})" : "";
            // Only what the target did is said: a release that never stopped serving was not "put back", and one put back
            // with no health check to run is not known to be healthy.
            return _putBack switch
            {
                { Untouched: true } => $"The previous release {previous}{which} is still live, untouched: the new one never replaced it.",
                { Checked: true } => $"The previous release {previous}{which} is back and healthy: it is what is live now.",
                _ => $"The previous release {previous}{which} is back: it is what is live now.",
            };
        }
    }
}
