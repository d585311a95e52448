using System.Globalization;

namespace Bot.Deployments.Notify;

/// <summary>Which process sends to a webhook (a lease note), and how far the log may be read (<see cref="NotifyOptions.Settle"/>).</summary>
public sealed partial class DeployEvents
{
    /// <summary>
    /// Takes or renews this process's lease on a webhook (<c>owner until</c>, set by compare-and-set): free, run out,
    /// or already ours. False while another process holds it; its lease running out (it died) hands it on.
    /// </summary>
    private async Task<bool> HoldAsync(Hook hook, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await store.GetNoteAsync(LeaseScope, hook.Key, cancellationToken).ConfigureAwait(false);
        if (current is not null && current != hook.Lease && Holder(current) is var (owner, until) && owner != identity.Id && until > now)
            return false;
        // Renewed once half of it has gone, not on every look.
        if (current is not null && current == hook.Lease && Holder(current) is var (_, mine) && mine - now > options.Lease / 2)
            return true;
        var wanted = $"{identity.Id} {(now + options.Lease).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var won = await store.ClaimNoteAsync(LeaseScope, hook.Key, wanted, current, now, cancellationToken).ConfigureAwait(false) == wanted;
        hook.Lease = won ? wanted : null;
        return won;
    }

    /// <summary>Lets the lease go on stopping, so another process takes the webhook at once instead of after the lease.</summary>
    private async Task ReleaseAsync(Hook hook)
    {
        if (hook.Lease is not { } mine) return;
        hook.Lease = null;
        try { await store.ClaimNoteAsync(LeaseScope, hook.Key, "", mine, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false); }
        catch (Exception) { /* it runs out by itself */ }
    }

    private static (string Owner, DateTimeOffset Until)? Holder(string lease)
    {
        var space = lease.LastIndexOf(' ');
        return space > 0 && long.TryParse(lease.AsSpan(space + 1), CultureInfo.InvariantCulture, out var ms)
            ? (lease[..space], DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : null;
    }

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
