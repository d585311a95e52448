using Bot.Configuration;
using Bot.Text;
using Bot.Security;
using Bot.Sources;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments;

/// <summary>
/// Runs one claimed deployment: fetches the commit, drives the target, persists every event (secrets
/// removed) and publishes it, and ends the deployment in exactly one final state.
/// </summary>
public sealed partial class DeploymentRunner(
    IDeploymentStore store,
    AppCatalog apps,
    TargetRegistry targets,
    GitRepositories git,
    DeploymentFeed feed,
    Redactor redactor,
    ConfigSeal seal,
    TimeProvider time,
    ILogger<DeploymentRunner> logger,
    BotMetrics metrics)
{
    private readonly IDeploymentStore _store = store;
    private readonly AppCatalog _apps = apps;
    private readonly TargetRegistry _targets = targets;
    private readonly GitRepositories _git = git;
    private readonly Redactor _redactor = redactor;
    private readonly ConfigSeal _seal = seal;
    private readonly TimeProvider _time = time;
    private readonly ILogger<DeploymentRunner> _logger = logger;
    private readonly BotMetrics _metrics = metrics;

    /// <param name="cancelled">Fires when a user cancels this deployment.</param>
    /// <param name="stopping">Fires when the bot shuts down; the deployment is then marked interrupted.</param>
    public async Task<Deployment> RunAsync(long deploymentId, CancellationToken cancelled, CancellationToken stopping)
    {
        var deployment = await _store.GetAsync(deploymentId, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"deployment {deploymentId} is not in the store");
        PublishState(deployment);
        using var span = DeploymentTrace.Start(deployment, await TraceParentAsync(deploymentId).ConfigureAwait(false));

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancelled, stopping);
        var run = new Run(this, deployment);
        DeploymentState state;
        string? message = null, hint = null;
        try
        {
            await run.ExecuteAsync(linked.Token).ConfigureAwait(false);
            state = DeploymentState.Succeeded;
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            (state, message) = (DeploymentState.Cancelled, deployment.Kind == DeploymentKind.Task
                ? $"Cancelled during {ServingNote.During(run.Step)}; {run.TaskStopped}"
                : $"Cancelled during {ServingNote.During(run.Step)}; {deployment.RefLabel} was stopped.");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            (state, message) = (DeploymentState.Interrupted, $"The bot was shut down during {ServingNote.During(run.Step)}, so this did not finish.");
        }
        catch (DeployFailedException e)
        {
            (state, message, hint) = (DeploymentState.Failed, e.Message, e.Hint);
        }
        catch (SourceException e)
        {
            (state, message, hint) = (DeploymentState.Failed, e.Message, e.Hint);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Deployment {App} #{Number} failed unexpectedly", deployment.App, deployment.Number);
            (state, message) = (DeploymentState.Failed, $"Something went wrong in the bot: {_redactor.Redact(e.Message)}");
        }

        // Still holding the lock and the lease: what served before goes back before anything else may deploy here.
        if (state == DeploymentState.Succeeded)
            await run.NoteServingAsync(ServingNote.Known).ConfigureAwait(false);
        else if (run.WentLive is { } live)
            message = $"{message} {await run.PutBackAsync(live.Previous).ConfigureAwait(false)}";
        else if (run.CanPutBack && state is DeploymentState.Cancelled or DeploymentState.Interrupted)
            message = $"{message} Nothing had changed yet: what was live still is.";
        message = message is null ? null : Join(message, hint);
        run.EndStep();
        DeploymentTrace.End(span, state);

        var finished = await _store.FinishAsync(deployment.Id, state, message is null ? null : run.Redact(message),
            run.Release, run.Url, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        PublishState(finished);
        return finished;
    }

    /// <summary>The span of the command that asked for the deployment, read only when traces are on (one note, gone when it ends).</summary>
    private async Task<string?> TraceParentAsync(long deploymentId) => DeploymentTrace.On
        ? await _store.GetNoteAsync(StoreNames.TraceScope, deploymentId.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false)
        : null;

    /// <summary>
    /// Tells this process that a deployment changed state: wakes its followers and the listeners here. The store recorded
    /// the change as a line of the deployment's story in the same step, which is what followers in every process read.
    /// </summary>
    public void PublishState(Deployment deployment) =>
        Publish(deployment, StoryLine.StateOf(deployment, 0, deployment.FinishedAt ?? _time.GetUtcNow()));

    /// <summary>
    /// After a crash: lets the target stop or put back what the interrupted deployment left going, and notes it. Returns
    /// the deployment with what was done added to its message, for the card this process shows.
    /// </summary>
    public async Task<Deployment> CleanUpAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var app = _apps.Find(deployment.App)?.ByEnv.GetValueOrDefault(deployment.Env);
        if (app is null || _targets.Get(app.Target) is not ICleansUpInterrupted target) return deployment;
        try
        {
            if (await target.CleanUpAsync(app, deployment.Number, cancellationToken).ConfigureAwait(false) is not { } what) return deployment;
            what = _redactor.Redact(what);
            await _store.AppendEventAsync(deployment.Id, LineKind.Warning, what, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return deployment with { Message = deployment.Message is { } said ? $"{said} {what}" : what };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Cleaning up after interrupted {App} #{Number} failed", deployment.App, deployment.Number);
            return deployment;
        }
    }

    private static string Join(string message, string? hint) => hint is null ? message : $"{message} {hint}";

    private void Publish(Deployment deployment, StoryLine e) => feed.Publish(new FeedItem(deployment, e));

    /// <summary>The state of one run: the deployment as it changes, and what the target reported.</summary>
    private sealed partial class Run(DeploymentRunner owner, Deployment deployment)
    {
        private AppEnvConfig? _app;

        /// <summary>The values a config change sets: masked in every line it writes, whatever their length or name.</summary>
        private string[] _secrets = [];

        public string Redact(string text)
        {
            foreach (var secret in _secrets)
                text = text.Replace(secret, Redactor.Mask, StringComparison.Ordinal);
            return owner._redactor.Redact(text);
        }
        private IDeployTarget? _target;
        private bool _puttingBack;

        /// <summary>What the target's put-back said it did, once it has ended.</summary>
        private PutBackEnded? _putBack;

        public string? Release { get; private set; }
        public string? Url { get; private set; }

        /// <summary>The step the target last started.</summary>
        public string? Step { get; private set; }

        /// <summary>Set once the target said it is changing what serves.</summary>
        public GoingLive? WentLive { get; private set; }

        /// <summary>The target says when it starts changing what serves, so before that nothing has.</summary>
        public bool CanPutBack => _target is IPutsBack;

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            var app = owner._apps.Find(deployment.App)?.ByEnv.GetValueOrDefault(deployment.Env)
                ?? throw new DeployFailedException($"{deployment.App} ({deployment.Env}) is no longer in the configuration.", "Type `apps` to see what can be deployed.");
            var target = owner._targets.Get(app.Target);
            (_app, _target) = (app, target);
            var events = deployment.Kind switch
            {
                DeploymentKind.Promote when target is IPromotesArtifact promoter =>
                    promoter.PromoteAsync(await PromotionAsync(app, promoter, cancellationToken).ConfigureAwait(false), cancellationToken),
                DeploymentKind.Config => await ConfigEventsAsync(app, target, cancellationToken).ConfigureAwait(false),
                DeploymentKind.Task => TaskEvents(app, target, cancellationToken),
                _ => await DeployEventsAsync(app, target, cancellationToken).ConfigureAwait(false),
            };
            await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                TraceStep(e);
                await RecordAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>What a cancelled task's card says happened to it (a Lambda invocation, for one, cannot be stopped).</summary>
        public string TaskStopped => (_target as IRunsTasks)?.StoppedNote ?? "it was stopped.";

        /// <summary>A config change: its sealed values opened, checked against the target's limits, applied as a new release.</summary>
        private async Task<IAsyncEnumerable<DeployEvent>> ConfigEventsAsync(AppEnvConfig app, IDeployTarget target, CancellationToken cancellationToken)
        {
            if (target is not IHasConfig editor)
                throw new DeployFailedException($"The {app.Target} target has no config vars the bot can change.", "See README, \"Config\".");
            var key = deployment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var change = await owner._store.GetNoteAsync(StoreNames.SealedScope, key, cancellationToken).ConfigureAwait(false) is { } sealedText
                ? owner._seal.Open(sealedText) : null;
            if (change is null)
                throw new DeployFailedException("The values of this change could not be read: they are sealed under the bot's key, which has changed since.",
                    $"Nothing was changed. Set them again in a direct message to the bot: `config set {app.App} KEY=value in {app.Env}`.");
            _secrets = [.. change.Secrets];
            if (editor.CheckLimits(app, change) is { } refused)
                throw new DeployFailedException(refused, "Nothing was changed.");
            return editor.ChangeConfigAsync(new ConfigChangeRequest(app, deployment.Number, change, deployment.Origin.UserName), cancellationToken);
        }

        /// <summary>A named task, as the configuration says it now, run against the live release.</summary>
        private IAsyncEnumerable<DeployEvent> TaskEvents(AppEnvConfig app, IDeployTarget target, CancellationToken cancellationToken)
        {
            if (target is not IRunsTasks runner)
                throw new DeployFailedException($"The {app.Target} target cannot run one-off tasks.", "See README, \"Tasks\".");
            var task = app.Tasks.GetValueOrDefault(deployment.Subject ?? "")
                ?? throw new DeployFailedException($"{app.App} has no task `{deployment.Subject}` any more.", $"Type `run {app.App}` to see its tasks.");
            return runner.RunTaskAsync(new TaskRequest(app, deployment.Number, task, deployment.Sha, deployment.Origin.UserName), cancellationToken);
        }

        private async Task<IAsyncEnumerable<DeployEvent>> DeployEventsAsync(AppEnvConfig app, IDeployTarget target, CancellationToken cancellationToken)
        {
            var (commit, source) = await PrepareSourceAsync(app, cancellationToken).ConfigureAwait(false);
            if (deployment.Kind == DeploymentKind.Promote)
                await RecordAsync(new Notice($"{app.Target} cannot move a build between environments, so this builds {deployment.RefLabel} again: the same commit as {deployment.PromoteFrom}."), cancellationToken).ConfigureAwait(false);
            return deployment.Kind == DeploymentKind.Rollback
                ? target.RollbackAsync(new RollbackRequest(app, deployment.Number, deployment.RollbackTo, commit, source), cancellationToken)
                : target.DeployAsync(new DeployRequest(app, deployment.Number, deployment.Ref, commit, source, deployment.Origin.UserName), cancellationToken);
        }

        /// <summary>
        /// What a promotion puts here: what serves in its source environment now, which must still be what was confirmed
        /// (<see cref="Deployment.RollbackTo"/> holds its id), so a release that changed meanwhile is never shipped unseen.
        /// </summary>
        private async Task<PromoteRequest> PromotionAsync(AppEnvConfig app, IPromotesArtifact promoter, CancellationToken cancellationToken)
        {
            var from = owner._apps.Find(deployment.App)?.ByEnv.GetValueOrDefault(deployment.PromoteFrom ?? "")
                ?? throw new DeployFailedException($"{deployment.App} has no environment {deployment.PromoteFrom} any more.", $"Type `apps` to see its environments.");
            var live = await promoter.LiveArtifactAsync(from, cancellationToken).ConfigureAwait(false) ?? throw PromoteRefusals.NothingLive(from, app);
            if (deployment.RollbackTo is { } confirmed && live.Id != confirmed)
                throw new DeployFailedException($"{from.Env} changed after this promotion was confirmed: it now serves {live.Label}.",
                    $"Type `promote {app.App} {from.Env} to {app.Env}` to see what would change now.");
            await RecordAsync(new Notice($"Promoting {live.Label} from {from.Env}: no build, the same artifact."), cancellationToken).ConfigureAwait(false);
            return new PromoteRequest(from, app, deployment.Number, live, deployment.Origin.UserName);
        }

        /// <summary>Fetches and re-resolves the ref, so a branch that moved since it was queued deploys its newest commit.</summary>
        private async Task<(ResolvedCommit?, SourceSnapshot?)> PrepareSourceAsync(AppEnvConfig app, CancellationToken cancellationToken)
        {
            if (app.Repository is null) return (null, null);
            var wanted = deployment.Kind != DeploymentKind.Deploy || deployment.Pinned(app.Push.GatesOnChecks) ? deployment.Sha : deployment.Ref ?? deployment.Sha;
            if (deployment.Kind != DeploymentKind.Deploy && wanted is null) return (null, null);
            var resolved = await owner._git.ResolveAsync(app, wanted, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (resolved.Commit is not { } commit)
                throw new DeployFailedException(resolved.Error!, resolved.Closest.Count > 0 ? $"Closest: {string.Join(", ", resolved.Closest.Select(c => $"`{c}`"))}." : null);
            if (deployment.Kind != DeploymentKind.Deploy || deployment.Pinned(app.Push.GatesOnChecks))
                commit = commit with { Ref = deployment.Ref ?? commit.ShortSha };
            if (deployment.Sha is { } queued && queued != commit.Sha)
                await RecordAsync(new Notice($"{commit.Ref} moved since it was queued: deploying {commit.ShortSha} (was {queued[..7]})."), cancellationToken).ConfigureAwait(false);
            if (deployment.Sha != commit.Sha || deployment.Subject != commit.Subject)
            {
                await owner._store.SetCommitAsync(deployment.Id, commit.Ref, commit.Sha, commit.Subject, cancellationToken).ConfigureAwait(false);
                deployment = deployment with { Ref = commit.Ref, Sha = commit.Sha, Subject = commit.Subject };
            }
            return (commit, owner._git.Snapshot(app, commit));
        }

        /// <summary>The span of the step the target is in (a child of the deployment's), if traces are on.</summary>
        private System.Diagnostics.Activity? _stepSpan;

        /// <summary>
        /// Starts or ends a step's span. Not async on purpose: the span becomes current in the loop that reads the
        /// target's events, so the target's own calls (HTTP to its platform) are children of the step they are made in.
        /// </summary>
        private void TraceStep(DeployEvent e)
        {
            if (e is StepFinished) EndStep();
            if (e is not StepStarted started) return;
            EndStep();
            _stepSpan = DeploymentTrace.Step(started.Step);
        }

        public void EndStep()
        {
            _stepSpan?.Dispose();
            _stepSpan = null;
        }

        private async Task RecordAsync(DeployEvent e, CancellationToken cancellationToken)
        {
            var (kind, text) = e switch
            {
                StepStarted s => (LineKind.Step, s.Step),
                StepFinished f => (LineKind.Step, $"{f.Step} done in {Format.Duration(f.Elapsed)}"),
                OutputLine { IsError: true } o => (LineKind.ErrorOutput, o.Text),
                OutputLine o => (LineKind.Output, o.Text),
                Notice { IsWarning: true } n => (LineKind.Warning, n.Text),
                Notice n => (LineKind.Notice, n.Text),
                Released r => (LineKind.Notice, r.Url is null ? $"{r.Release} released." : $"{r.Release} released: {r.Url}"),
                _ => (LineKind.Notice, e.ToString()),
            };
            if (e is StepStarted started && !_puttingBack)
            {
                Step = started.Step;
                if (WentLive is not null) await NoteServingAsync(new ServingNote(deployment.Id, Step, null).Format()).ConfigureAwait(false);
            }
            if (e is PutBackEnded ended)
            {
                _putBack = ended;
                return;
            }
            if (e is GoingLive live)
            {
                WentLive = live;
                await owner._store.MarkGoingLiveAsync(deployment.Id, live.Previous ?? "", cancellationToken).ConfigureAwait(false);
                await NoteServingAsync(new ServingNote(deployment.Id, Step ?? "deploy", null).Format()).ConfigureAwait(false);
                return;
            }
            if (e is Released released)
            {
                Release = released.Release;
                Url = released.Url;
                deployment = deployment with { Release = Release, Url = Url };
            }
            var stored = await owner._store.AppendEventAsync(deployment.Id, kind, Redact(text), owner._time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            owner.Publish(deployment, stored);
        }
    }
}
