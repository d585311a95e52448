using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>The contract's part for the one log of state lines that deploy events are sent from.</summary>
public abstract partial class DeploymentStoreContract
{
    [Fact]
    public async Task State_lines_of_all_deployments_come_in_order_after_a_seq_each_with_its_deployment_as_it_is_now()
    {
        var store = await CreateStoreAsync();
        Assert.Equal(0, await store.LastSeqAsync(default));
        var web = Queued(await store.EnqueueAsync(New(), default));
        var api = Queued(await store.EnqueueAsync(New(app: "api"), default));
        await store.AppendEventAsync(web.Id, LineKind.Output, "building", T0.AddSeconds(1), default);
        await store.FinishAsync(api.Id, DeploymentState.Failed, "Build failed", null, null, T0.AddMinutes(1), default);
        await store.FinishAsync(web.Id, DeploymentState.Succeeded, null, "v7", "https://web.example.com", T0.AddMinutes(2), default);
        var last = await store.LastSeqAsync(default);

        var all = await store.StateChangesAsync(0, last, 100, default);
        Assert.Equal([(web.Id, "queued"), (api.Id, "queued"), (api.Id, "failed"), (web.Id, "succeeded")],
            all.Select(i => (i.Deployment.Id, i.Line.Text)));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Line.Seq < p.Second.Line.Seq));
        Assert.Equal(last, all[^1].Line.Seq);
        Assert.All(all, i => Assert.Equal(LineKind.State, i.Line.Kind));
        Assert.Equal((DeploymentState.Failed, T0.AddMinutes(1)), (all[2].Line.State, all[2].Line.At));
        // The deployment as it is now, not as it was then.
        Assert.Equal((DeploymentState.Succeeded, "v7", "web"), (all[0].Deployment.State, all[0].Deployment.Release, all[0].Deployment.App));

        var afterFirst = await store.StateChangesAsync(all[0].Line.Seq, last, 2, default);
        Assert.Equal([all[1].Line.Seq, all[2].Line.Seq], afterFirst.Select(i => i.Line.Seq));
        var upTo = await store.StateChangesAsync(0, all[1].Line.Seq, 100, default);
        Assert.Equal(2, upTo.Count);
        Assert.Empty(await store.StateChangesAsync(last, long.MaxValue, 100, default));
    }
}
