using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>The contract's part for the audit log: who (the person and the identity), where, what, and how it ended.</summary>
public abstract partial class DeploymentStoreContract
{
    private static AuditEntry Audited(DateTimeOffset at, string user, string command, string? app, string outcome, string? person = null, string? env = null) =>
        new(at, "slack", "C1", user, user, command, app, $"{outcome}: …") { Person = person, Outcome = outcome, Env = env };

    [Fact]
    public async Task Keeps_each_commands_person_identity_outcome_and_environment()
    {
        var store = await CreateStoreAsync();
        await store.AuditAsync(Audited(T0, "U1", "deploy web to production", "web", AuditOutcome.Refused, person: "bo", env: "production"), default);
        await store.AuditAsync(Audited(T0.AddSeconds(1), "U2", "apps", null, AuditOutcome.Limited), default);

        var log = await store.AuditLogAsync(null, 10, default);
        Assert.Equal(["apps", "deploy web to production"], log.Select(e => e.Command));
        var refused = log[1];
        Assert.Equal((T0, "bo", "slack:U1", "C1", "web", "production", AuditOutcome.Refused, "refused: …"),
            (refused.At, refused.Person, refused.Identity, refused.Conversation, refused.App, refused.Env, refused.Outcome, refused.Result));
        Assert.Equal((null, AuditOutcome.Limited, null), (log[0].Person, log[0].Outcome, log[0].App));
    }

    [Fact]
    public async Task Exports_the_audit_log_since_a_time_oldest_first_of_one_app_or_all()
    {
        var store = await CreateStoreAsync();
        await store.AuditAsync(Audited(T0.AddDays(-8), "U1", "deploy web", "web", AuditOutcome.Ok), default);
        await store.AuditAsync(Audited(T0.AddHours(-2), "U1", "deploy web", "web", AuditOutcome.Ok), default);
        await store.AuditAsync(Audited(T0.AddHours(-1), "U2", "status api", "api", AuditOutcome.Ok), default);
        await store.AuditAsync(Audited(T0, "U3", "freeze", null, AuditOutcome.Refused), default);

        var week = await store.AuditSinceAsync(T0.AddDays(-7), null, 100, default);
        Assert.Equal([T0.AddHours(-2), T0.AddHours(-1), T0], week.Select(e => e.At));
        Assert.Equal(["U1"], (await store.AuditSinceAsync(T0.AddDays(-7), "web", 100, default)).Select(e => e.UserId));
        Assert.Equal(2, (await store.AuditSinceAsync(T0.AddDays(-30), "web", 100, default)).Count);
        Assert.Single(await store.AuditSinceAsync(T0.AddDays(-30), null, 1, default));
        Assert.Equal([T0], (await store.AuditSinceAsync(T0, null, 100, default)).Select(e => e.At));
        Assert.Empty(await store.AuditSinceAsync(T0.AddSeconds(1), null, 100, default));
    }
}
