using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bot.Configuration;
using Bot.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Notify;

/// <summary>
/// Sends every deployment state change to each of <c>Notify:Webhooks</c> as a signed CloudEvent. The queue is the
/// store's own log of state lines (written with each change, so nothing is lost on a crash); each webhook has a cursor
/// note (the last <c>seq</c> delivered) and a lease note (which process sends to it now), so events go out at least once
/// and in order, from one process at a time. A webhook that is down only holds up its own events: nothing in a deploy
/// waits on this.
/// </summary>
/// <remarks>
/// A failed try (no answer in 10 s, 408, 429, 5xx) is tried again after 1 s, doubling to 5 min (or what
/// <c>Retry-After</c> asks), never moving past the event. A 3xx or a 4xx other than 408 and 429 is the receiver refusing
/// that event for good: one warning, and the next event.
/// </remarks>
public sealed partial class DeployEvents(
    NotifyOptions options, IDeploymentStore store, DeploymentFeed feed, AppCatalog apps, WorkerIdentity identity, LogLinks links,
    Redactor redactor, IHttpClientFactory http, TimeProvider time, ILogger<DeployEvents> logger) : BackgroundService
{
    public const string Client = "notify";
    public const string SignatureHeader = "X-Deploybot-Signature";
    public const string CursorScope = "notify";
    public const string LeaseScope = "notify-lease";
    private const int Batch = 50;

    /// <summary>How long a try under way when the host stops may still take, so a delivered event is not sent again.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _sending = new();

    private readonly Hook[] _hooks = options.Webhooks.Select(u => new Hook(u, KeyOf(u), new StoreLease(store, LeaseScope, KeyOf(u), identity.Id, options.Lease, time))).ToArray();
    private TaskCompletionSource _news = NewSignal();
    private int _listening;
    private readonly List<(DateTimeOffset At, long Seq)> _seen = [];
    private long _horizon;
    private volatile bool _unsettled;

    /// <summary>One webhook: its address, the key of its notes, and the lease this process holds on it (if any).</summary>
    private sealed class Hook(Uri url, string key, StoreLease lease)
    {
        public Uri Url { get; } = url;
        public string Key { get; } = key;
        public StoreLease Lease { get; } = lease;
    }

    /// <summary>What one try came to.</summary>
    private enum Outcome { Delivered, Refused, Failed }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A short hash of the address: the notes' key (the address itself may carry a token).</summary>
    public static string KeyOf(Uri url) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..16];

    /// <summary>Completes once every webhook has its cursor (a new one starts at the newest event: no history is sent).</summary>
    public Task Ready => _ready.Task;
    private readonly TaskCompletionSource _ready = NewSignal();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Enabled && Interlocked.Exchange(ref _listening, 1) == 0)
            feed.Listen(item =>
            {
                if (item.Line.State is not null) Interlocked.Exchange(ref _news, NewSignal()).TrySetResult();
            });
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        using var grace = stoppingToken.Register(() => _sending.CancelAfter(ShutdownGrace));
        try
        {
            while (!await PrepareAsync(stoppingToken).ConfigureAwait(false))
                await Task.Delay(options.LookEvery, time, stoppingToken).ConfigureAwait(false);
            _ready.TrySetResult();
            await Task.WhenAll(_hooks.Select(h => RunAsync(h, stoppingToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            foreach (var hook in _hooks) await ReleaseAsync(hook).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives each webhook that has none a cursor at the newest event, so what happens from now on is sent; false when
    /// the store could not be read. <c>worker --drain</c> calls this before it runs jobs, so their events are sent.
    /// </summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled) return true;
        try
        {
            var newest = await store.LastSeqAsync(cancellationToken).ConfigureAwait(false);
            foreach (var hook in _hooks)
                await store.ClaimNoteAsync(CursorScope, hook.Key, Text(newest), null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Deploy events: could not read the store ({Error}); trying again", e.Message);
            return false;
        }
    }

    /// <summary>One webhook's loop: while this process holds its lease, send what lies after its cursor, in order.</summary>
    private async Task RunAsync(Hook hook, CancellationToken cancellationToken)
    {
        while (true)
        {
            var news = Volatile.Read(ref _news).Task;
            var sent = 0;
            try { sent = await SendPendingAsync(hook, once: false, cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Deploy events to {Host}: could not read the store ({Error}); trying again", hook.Url.Host, e.Message);
            }
            if (sent == 0)
            {
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                // Lines seen but not yet settled are looked at again once they have.
                var wait = _unsettled ? options.Settle : options.LookEvery;
                await Task.WhenAny(news, Task.Delay(wait, time, waiting.Token)).ConfigureAwait(false);
                // News came first: its timer goes too, so waits do not pile up.
                await waiting.CancelAsync().ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Gives every webhook's pending events one try each, stopping at a webhook's first failure, within
    /// <paramref name="limit"/> (<c>worker --drain</c> before it exits). Returns how many were delivered.
    /// </summary>
    public async Task<int> TryPendingOnceAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        if (!options.Enabled) return 0;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(limit);
        var sent = 0;
        try
        {
            foreach (var hook in _hooks)
            {
                sent += await SendPendingAsync(hook, once: true, bounded.Token).ConfigureAwait(false);
                await ReleaseAsync(hook).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Deploy events: some were not sent before the drain ended; a worker sends them later");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Deploy events: could not read the store ({Error}); a worker sends them later", e.Message);
        }
        return sent;
    }

    /// <summary>Sends one batch after the cursor; with <paramref name="once"/> a failure ends it instead of being tried again.</summary>
    private async Task<int> SendPendingAsync(Hook hook, bool once, CancellationToken cancellationToken)
    {
        if (!await HoldAsync(hook, cancellationToken).ConfigureAwait(false)) return 0;
        if (await store.GetNoteAsync(CursorScope, hook.Key, cancellationToken).ConfigureAwait(false) is not { } noted)
        {
            await PrepareAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        var cursor = long.Parse(noted, CultureInfo.InvariantCulture);
        var items = await store.StateChangesAsync(cursor, await HorizonAsync(cancellationToken).ConfigureAwait(false), Batch, cancellationToken).ConfigureAwait(false);
        var sent = 0;
        foreach (var item in items)
        {
            var body = DeployEventBody.Bytes(DeployEventBody.Of(item, options.Source, apps.Find(item.Deployment.App)?.Target,
                links.Deployment(item.Deployment.App, item.Deployment.Number), redactor));
            if (!await DeliverAsync(hook, item, body, once, cancellationToken).ConfigureAwait(false)) break;
            // Recorded even when stopping: an event the receiver took is not sent again by the next process.
            await store.SetNoteAsync(CursorScope, hook.Key, Text(item.Line.Seq), time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            sent++;
        }
        return sent;
    }

    public override void Dispose()
    {
        _sending.Dispose();
        base.Dispose();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}
