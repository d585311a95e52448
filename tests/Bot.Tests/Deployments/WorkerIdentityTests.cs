using System.Diagnostics;
using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>A process is judged gone only on the kernel's evidence; a live peer never is.</summary>
public sealed class WorkerIdentityTests
{
    [Fact]
    public async Task A_live_process_is_not_gone_and_an_ended_one_is()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var peer = new WorkerIdentity(child.Id);
        var me = new WorkerIdentity();

        // Computed by another process's identity for this pid, it must match exactly what the owner noted.
        Assert.False(me.IsGone(peer.Id));
        Assert.False(new WorkerIdentity().IsGone(me.Id));

        child.Kill();
        await child.WaitForExitAsync();
        Assert.True(me.IsGone(peer.Id));
    }

    [Theory]
    [InlineData("elsewhere/1234abcd/4026531836:1:100")]
    [InlineData("garbled")]
    [InlineData("a:b:c")]
    public void Owners_it_cannot_check_are_never_judged_gone(string owner) => Assert.False(new WorkerIdentity().IsGone(owner));

    [Fact]
    public void A_reused_pid_is_gone()
    {
        var me = new WorkerIdentity();
        var parts = me.Id.Split(':');
        Assert.True(me.IsGone($"{parts[0]}:{Environment.ProcessId}:{long.Parse(parts[2]) + 1}"));
    }
}
