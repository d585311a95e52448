using Bot.Configuration;
using Bot.Sources;
using Bot.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Pushes;

/// <summary>
/// The gate every waiting deployment passes (<see cref="DeploymentState.Waiting"/>, holding no lock): of several pushes
/// of one branch only the newest goes on; a push older than what already ran is never deployed; CI checks are read where
/// <c>RequireChecks</c> asks (failure refuses, pending waits up to <c>ChecksTimeout</c>); then it takes its turn (the
/// app/env lock) and, where the environment needs them, waits for approvals like a typed deploy. It looks when woken
/// (a push, a check, a deployment ending) and every few seconds; checks are read again at least every half minute,
/// since GitHub never sends a webhook twice. Every step acts only on a deployment still waiting, so workers in several
/// processes can look at once; what a card is told is claimed in the store, so it is said once.
/// </summary>
public sealed class WaitingDeployments(
    IDeploymentStore store, DeploymentFeed feed, AppCatalog apps, GitRepositories git, ICommitChecks checks, GateSignal signal,
    JobSignal jobs, IEnumerable<IJobWaker> wakers, WorkerIdentity identity, TimeProvider time, ILogger<WaitingDeployments> logger) : BackgroundService
{
    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(5);

    /// <summary>How often pending checks are read again without a webhook saying they changed.</summary>
    public static readonly TimeSpan ChecksEvery = TimeSpan.FromSeconds(30);

    /// <summary>At most this many commits a push brings are listed on its card.</summary>
    public const int CommitsShown = 3;

    private readonly Dictionary<long, (DateTimeOffset At, GateVerdict Verdict)> _read = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A deployment that ends frees its app/env: whatever waits for its turn there may go now.
        feed.Listen(item => { if (item.Line.State is not null && item.Deployment.IsFinished) signal.Pulse(); });
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await LookAsync(stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogWarning("The gate could not look at waiting deployments: {Error}", e.Message); }
            await signal.WaitAsync(LookEvery, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One look at every waiting deployment.</summary>
    public async Task LookAsync(CancellationToken cancellationToken)
    {
        var waiting = await store.WaitingAsync(500, cancellationToken).ConfigureAwait(false);
        foreach (var gone in _read.Keys.Where(id => waiting.All(d => d.Id != id)).ToList()) _read.Remove(gone);
        foreach (var line in waiting.GroupBy(d => (d.App, d.Env)))
        {
            var env = apps.Find(line.Key.App)?.ByEnv.GetValueOrDefault(line.Key.Env);
            if (env is null)
            {
                foreach (var d in line)
                    await EndAsync(d, DeploymentState.Failed, $"{d.App} ({d.Env}) is no longer in the configuration, so this did not run.", cancellationToken).ConfigureAwait(false);
                continue;
            }
            var newest = line.LastOrDefault(d => d.Via is not null);
            foreach (var d in line)
            {
                if (d.Via is not null && d != newest)
                    await EndAsync(d, DeploymentState.Superseded, $"Superseded by #{newest!.Number} ({newest.RefLabel}), a newer push of {newest.Ref}; this one did not run.", cancellationToken).ConfigureAwait(false);
                else
                    await GateAsync(env, d, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task GateAsync(AppEnvConfig env, Deployment d, CancellationToken cancellationToken)
    {
        if (d.Via is not null && d.Sha is not null)
        {
            if (await NewerRunAsync(env, d, cancellationToken).ConfigureAwait(false) is { } newer)
            {
                await EndAsync(d, DeploymentState.Superseded, $"#{newer.Number} ({newer.RefLabel}) is newer and already includes {d.ShortSha}, so this older push did not run.", cancellationToken).ConfigureAwait(false);
                return;
            }
            await TellOnceAsync(d, "brings", () => BringsAsync(env, d, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        // A task or config change waits only for its turn: its code already passed the gate when it went live.
        if (env.Push.GatesOnChecks && !d.SkipChecks && d.Sha is not null && d.Kind is not (DeploymentKind.Config or DeploymentKind.Task))
        {
            var verdict = await ChecksAsync(env, d, cancellationToken).ConfigureAwait(false);
            var skip = $"To deploy {d.ShortSha} without them, type `deploy! {d.App} {d.ShortSha} to {d.Env}` (it is audited).";
            if (verdict.State == GateState.Failed)
            {
                await EndAsync(d, DeploymentState.Failed, $"Refused before anything ran: {verdict.Text}. {skip}", cancellationToken).ConfigureAwait(false);
                return;
            }
            if (verdict.State == GateState.Pending)
            {
                if (time.GetUtcNow() - d.CreatedAt >= env.Push.ChecksTimeout)
                    await EndAsync(d, DeploymentState.Failed,
                        $"Refused: the checks did not finish within {Format.Setting(env.Push.ChecksTimeout)} ({verdict.Text}). {skip}", cancellationToken).ConfigureAwait(false);
                else
                    await SayAsync(d, "gate", $"🚦 {char.ToUpperInvariant(verdict.Text[0])}{verdict.Text[1..]}.", cancellationToken).ConfigureAwait(false);
                return;
            }
            await SayAsync(d, "gate", $"✔ {char.ToUpperInvariant(verdict.Text[0])}{verdict.Text[1..]}.", cancellationToken).ConfigureAwait(false);
        }
        var now = time.GetUtcNow();
        var approval = env.Approval is { Required: true } a ? new ApprovalRule(a.MinApprovals, now + a.Timeout, string.Join(", ", env.Approvers)) : null;
        switch (await store.ReleaseWaitingAsync(d.Id, approval, now, cancellationToken).ConfigureAwait(false))
        {
            case Enqueued { Deployment: var queued }:
                feed.Publish(new FeedItem(queued, StoryLine.StateOf(queued, 0, now)));
                if (queued.State != DeploymentState.Queued) return;
                jobs.Pulse();
                foreach (var waker in wakers) await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
                return;
            case Blocked { Lock: var l, Holder: var holder }:
                var why = holder is { } h ? $"#{h.Number} ({h.RefLabel}, {DeploymentFeed.Name(h.State)})" : $"{l.HolderName}'s {l.Kind.ToString().ToLowerInvariant()} lock" + (l.Reason is { Length: > 0 } r ? $" ({r})" : "");
                await SayAsync(d, "gate", $"Waiting for its turn: {d.App} {d.Env} is held by {why}.", cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>The newest deployment here that ran or runs a commit that already contains this push's (a webhook that came late).</summary>
    private async Task<Deployment?> NewerRunAsync(AppEnvConfig env, Deployment d, CancellationToken cancellationToken)
    {
        var recent = await store.ListAsync(d.App, d.Env, 10, false, cancellationToken).ConfigureAwait(false);
        var ran = recent.FirstOrDefault(r => r.Id != d.Id && r.Sha is not null && r.State is not (DeploymentState.Waiting or DeploymentState.Superseded
            or DeploymentState.Cancelled or DeploymentState.Rejected or DeploymentState.Expired) && r.Kind == DeploymentKind.Deploy);
        if (ran is null || ran.Sha == d.Sha) return null;
        try { return await git.ContainsAsync(env, ran.Sha!, d.Sha!, cancellationToken).ConfigureAwait(false) ? ran : null; }
        catch (SourceException) { return null; }
    }

    /// <summary><c>3 commits since #38 (main@1a2b3c4): • 9f8e7d6 Fix login • …</c></summary>
    private async Task<string?> BringsAsync(AppEnvConfig env, Deployment d, CancellationToken cancellationToken)
    {
        var live = (await store.SucceededAsync(d.App, d.Env, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        try
        {
            var (count, newest) = await git.CommitsBetweenAsync(env, live?.Sha, d.Sha!, CommitsShown, cancellationToken).ConfigureAwait(false);
            if (count == 0) return null;
            var since = live is null ? $"(nothing of {d.App} is live in {d.Env} yet)" : $"since #{live.Number} ({live.RefLabel})";
            return CommitsBrought.Line(count, newest, since, 60);
        }
        catch (SourceException e)
        {
            return $"Could not list the commits it brings: {e.Message}";
        }
    }

    private async Task<GateVerdict> ChecksAsync(AppEnvConfig env, Deployment d, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!signal.TakeChecksChanged(d.Sha!) && _read.TryGetValue(d.Id, out var last) && now - last.At < ChecksEvery) return last.Verdict;
        GateVerdict verdict;
        try { verdict = await checks.JudgeAsync(env, d.Sha!, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            verdict = new GateVerdict(GateState.Pending, $"could not read the checks ({Tokens.Clip(e.Message, 120)}); trying again");
        }
        _read[d.Id] = (now, verdict);
        return verdict;
    }

    /// <summary>Adds a line to the card unless the last line this gate said of <paramref name="topic"/> is the same, claimed so one process says it.</summary>
    private async Task SayAsync(Deployment d, string topic, string text, CancellationToken cancellationToken)
    {
        var key = $"{d.Id}:{topic}";
        var said = await store.GetNoteAsync("gate", key, cancellationToken).ConfigureAwait(false);
        if (said is not null && said[..Math.Max(0, said.LastIndexOf('\u001f'))] == text) return;
        var mine = $"{text}\u001f{identity.Id}:{time.GetTimestamp()}";
        if (await store.ClaimNoteAsync("gate", key, mine, said, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) != mine) return;
        var line = await store.AppendEventAsync(d.Id, LineKind.Notice, text, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        feed.Publish(new FeedItem(d, line));
    }

    private async Task TellOnceAsync(Deployment d, string topic, Func<Task<string?>> text, CancellationToken cancellationToken)
    {
        if (await store.GetNoteAsync("gate", $"{d.Id}:{topic}", cancellationToken).ConfigureAwait(false) is not null) return;
        if (await text().ConfigureAwait(false) is { } said) await SayAsync(d, topic, said, cancellationToken).ConfigureAwait(false);
    }

    private async Task EndAsync(Deployment d, DeploymentState state, string message, CancellationToken cancellationToken)
    {
        if (await store.EndWaitingAsync(d.Id, state, message, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } ended)
        {
            logger.LogInformation("{App} #{Number} ended where it waited: {State}", ended.App, ended.Number, DeploymentFeed.Name(state));
            feed.Publish(new FeedItem(ended, StoryLine.StateOf(ended, 0, time.GetUtcNow())));
        }
    }
}
