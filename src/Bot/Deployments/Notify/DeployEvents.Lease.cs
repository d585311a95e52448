using System.Globalization;

namespace Bot.Deployments.Notify;

/// <summary>Which process sends to a webhook (a lease note), and how far the log may be read (<see cref="NotifyOptions.Settle"/>).</summary>
public sealed partial class DeployEvents
{
    /// <summary>This process's turn at a webhook (a lease note, <see cref="StoreLease"/>): false while another process holds it.</summary>
    private static Task<bool> HoldAsync(Hook hook, CancellationToken cancellationToken) => hook.Lease.HoldAsync(cancellationToken);

    /// <summary>Lets the lease go on stopping, so another process takes the webhook at once instead of after the lease.</summary>
    private static Task ReleaseAsync(Hook hook) => hook.Lease.ReleaseAsync();

    /// <summary>
    /// The newest <c>seq</c> that may be read: on SQLite all of it; on PostgreSQL the newest seen at least
    /// <see cref="NotifyOptions.Settle"/> ago, so a line numbered before another but committed after it is not passed over.
    /// </summary>
    private async Task<long> HorizonAsync(CancellationToken cancellationToken)
    {
        if (options.Settle <= TimeSpan.Zero) return long.MaxValue;
        var now = time.GetUtcNow();
        var last = await store.LastSeqAsync(cancellationToken).ConfigureAwait(false);
        lock (_seen)
        {
            _seen.Add((now, last));
            var settled = _seen.FindLastIndex(s => s.At <= now - options.Settle);
            if (settled >= 0)
            {
                _horizon = Math.Max(_horizon, _seen[settled].Seq);
                _seen.RemoveRange(0, settled + 1);
            }
            _unsettled = last > _horizon;
            return _horizon;
        }
    }
}
