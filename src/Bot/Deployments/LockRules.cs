namespace Bot.Deployments;

/// <summary>Who may deploy an app/env: the one rule the stores (in their transactions) and <see cref="AppSnapshot"/> apply.</summary>
public static class LockRules
{
    /// <summary>
    /// The lock that holds <paramref name="env"/> against <paramref name="user"/>, out of one app's locks and those over
    /// everything: a freeze first, then someone else's manual lock (one's own does not hold one back), then a deployment under way.
    /// </summary>
    public static LockInfo? Blocking(IEnumerable<LockInfo> appLocks, string env, string user)
    {
        LockInfo? manual = null, running = null;
        foreach (var l in appLocks)
        {
            if (l.Env != env && l.App != LockInfo.All) continue;
            switch (l.Kind)
            {
                case LockKind.Freeze: return l;
                case LockKind.Manual when l.HolderId != user: manual ??= l; break;
                case LockKind.Deploy: running ??= l; break;
            }
        }
        return manual ?? running;
    }
}
