using System.Globalization;

namespace Bot.Deployments;

/// <summary>
/// One process's turn at a piece of shared work (a webhook's deliveries, pruning the store), held as a note
/// (<c>owner until</c>) set by compare-and-set: free, run out, or already this process's. A process that dies lets it run
/// out, and the next one takes it; a process that stops lets it go at once.
/// </summary>
public sealed class StoreLease(IDeploymentStore store, string scope, string key, string owner, TimeSpan length, TimeProvider time)
{
    private string? _held;

    /// <summary>
    /// Takes or renews the lease; false while another process holds it. Renewed once half of it has gone, not on every look.
    /// </summary>
    public async Task<bool> HoldAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await store.GetNoteAsync(scope, key, cancellationToken).ConfigureAwait(false);
        if (current is not null && current != _held && Holder(current) is var (holder, until) && holder != owner && until > now)
            return false;
        if (current is not null && current == _held && Holder(current) is var (_, mine) && mine - now > length / 2)
            return true;
        var wanted = $"{owner} {(now + length).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var won = await store.ClaimNoteAsync(scope, key, wanted, current, now, cancellationToken).ConfigureAwait(false) == wanted;
        _held = won ? wanted : null;
        return won;
    }

    /// <summary>Lets the lease go (on stopping, or when the work is done), so another process may take it at once.</summary>
    public async Task ReleaseAsync()
    {
        if (_held is not { } mine) return;
        _held = null;
        try { await store.ClaimNoteAsync(scope, key, "", mine, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false); }
        catch (Exception) { /* it runs out by itself */ }
    }

    private static (string Owner, DateTimeOffset Until)? Holder(string lease)
    {
        var space = lease.LastIndexOf(' ');
        return space > 0 && long.TryParse(lease.AsSpan(space + 1), CultureInfo.InvariantCulture, out var ms)
            ? (lease[..space], DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : null;
    }
}
