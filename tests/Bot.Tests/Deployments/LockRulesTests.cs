using Bot.Deployments;

namespace Bot.Tests.Deployments;

public sealed class LockRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static LockInfo L(string env, LockKind kind, string holder, string app = "web") => new(app, env, kind, holder, holder, null, T0, kind == LockKind.Deploy ? 7 : null);

    [Fact]
    public void A_freeze_holds_everyone_back_before_any_other_lock()
    {
        var locks = new[] { L("production", LockKind.Deploy, "slack:bob"), L("production", LockKind.Manual, "slack:bob"), L(LockInfo.All, LockKind.Freeze, "slack:carol", LockInfo.All) };
        Assert.Equal(LockKind.Freeze, LockRules.Blocking(locks, "production", "slack:carol")!.Kind);
    }

    [Fact]
    public void Someone_elses_manual_lock_comes_before_a_deployment_under_way_and_ones_own_holds_nothing()
    {
        var locks = new[] { L("production", LockKind.Deploy, "slack:bob"), L("production", LockKind.Manual, "slack:alice") };
        Assert.Equal(LockKind.Manual, LockRules.Blocking(locks, "production", "slack:bob")!.Kind);
        Assert.Equal(LockKind.Deploy, LockRules.Blocking(locks, "production", "slack:alice")!.Kind);
        Assert.Null(LockRules.Blocking([L("production", LockKind.Manual, "slack:alice")], "production", "slack:alice"));
    }

    [Fact]
    public void Locks_of_other_environments_hold_nothing()
    {
        var locks = new[] { L("staging", LockKind.Deploy, "slack:bob"), L("staging", LockKind.Manual, "slack:bob") };
        Assert.Null(LockRules.Blocking(locks, "production", "slack:alice"));
    }
}
