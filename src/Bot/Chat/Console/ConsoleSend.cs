using Bot.Commands;
using Bot.Deployments;
using Bot.Deployments.Pushes;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Chat.Console;

/// <summary><c>send</c>: one line typed at the terminal, run as a command of the console's conversation and followed to its end.</summary>
public static class ConsoleSend
{
    /// <summary>
    /// Runs <paramref name="text"/> as <paramref name="me"/> and follows any deployment it started to the end; true when
    /// the command was accepted and that deployment (if any) succeeded.
    /// </summary>
    public static async Task<bool> RunAsync(IServiceProvider services, Origin me, string text, CancellationToken stop)
    {
        var console = services.GetRequiredService<ConsolePlatform>();
        var cards = services.GetRequiredService<DeploymentCards>();
        var worker = services.GetRequiredService<JobWorker>();
        using (var recovered = services.GetRequiredService<DeploymentFeed>().Subscribe())
        {
            // Tell about console work a crashed run left behind before anything new (never another platform's work).
            await worker.RecoverAsync(stop).ConfigureAwait(false);
            while (recovered.Reader.TryRead(out var old))
                if (old.Deployment.IsFinished) await cards.ShowOnceAsync(old, stop).ConfigureAwait(false);
        }

        // The transcript says the command as the audit does: a KEY=value pair's value is not printed back.
        console.Echo(me.UserName, services.GetRequiredService<Security.Redactor>().RedactCommand(text));
        var result = await services.GetRequiredService<CommandHandler>().HandleAsync(new ChatRequest(me, text), stop).ConfigureAwait(false);
        foreach (var message in result.Messages)
            await console.SendAsync(new Conversation(me.Platform, me.Conversation), message, stop).ConfigureAwait(false);
        if (result.Started is not { } started) return result.Ok;

        // Follow the deployment through the store: whichever process runs it (this one, or a `serve` that took it first).
        using var followStop = new CancellationTokenSource();
        var follow = cards.FollowToEndAsync(started.Id, followStop.Token);
        await GateAsync(services, started, stop).ConfigureAwait(false);
        // Run here, Ctrl-C ends the job (interrupted), which ends the follow; run elsewhere, Ctrl-C only stops watching.
        if (await worker.RunOneAsync(started.Id, stop).ConfigureAwait(false) is null)
            stop.Register(followStop.Cancel);
        Deployment finished;
        try { finished = await follow.ConfigureAwait(false) ?? started; }
        catch (OperationCanceledException) { return false; }
        // Let announcements to other platforms (a failure in the app's alert channels) go out before exiting.
        await services.GetRequiredService<BackgroundWork>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return finished.State == DeploymentState.Succeeded;
    }

    /// <summary>
    /// A deploy that waits for its checks goes through the gate here, as a worker's would, until it is let go or ends
    /// (no other process may be running to do it); Ctrl-C stops waiting and leaves it waiting for a worker.
    /// </summary>
    private static async Task GateAsync(IServiceProvider services, Deployment started, CancellationToken stop)
    {
        if (started.State != DeploymentState.Waiting) return;
        var store = services.GetRequiredService<IDeploymentStore>();
        var gate = services.GetRequiredService<WaitingDeployments>();
        var signal = services.GetRequiredService<GateSignal>();
        var time = services.GetRequiredService<TimeProvider>();
        while (!stop.IsCancellationRequested && await store.GetAsync(started.Id, stop).ConfigureAwait(false) is { State: DeploymentState.Waiting })
        {
            await gate.LookAsync(stop).ConfigureAwait(false);
            if (await store.GetAsync(started.Id, stop).ConfigureAwait(false) is not { State: DeploymentState.Waiting }) return;
            await signal.WaitAsync(WaitingDeployments.LookEvery, time, stop).ConfigureAwait(false);
        }
    }
}
