using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Chat.Console;

/// <summary>
/// The <c>chat</c> conversation as a terminal program: Ctrl-C once stops waiting for an answer and asks whether to cancel
/// a deployment that is running (or leave it running); Ctrl-C twice leaves. Leaving stops the apps this session deployed
/// when they say how (<c>Shell:Stop</c>), so the next person does not meet a stale server on their port; that includes
/// what a push deployed here while the chat ran (<c>AutoDeploy</c> with no channel posts to this conversation).
/// </summary>
public sealed class ChatSession(IServiceProvider services, Origin me, TextReader input, TextWriter output)
{
    private readonly ConsolePlatform _console = services.GetRequiredService<ConsolePlatform>();
    private readonly CommandHandler _handler = services.GetRequiredService<CommandHandler>();
    private readonly BotMetrics _metrics = services.GetRequiredService<BotMetrics>();
    private readonly IDeploymentStore _store = services.GetRequiredService<IDeploymentStore>();
    private readonly TaskCompletionSource _leave = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<(string App, string Env)> _deployed = [];
    private readonly Lock _gate = new();
    private CancellationTokenSource? _waiting;
    private IReadOnlyList<Deployment>? _question;
    private int _interrupts;

    private Conversation Here => new(me.Platform, me.Conversation);

    /// <summary>Starts noting the pushed deploys that run in this conversation, so leaving stops what they started too.</summary>
    public void Listen() => services.GetRequiredService<DeploymentFeed>().Listen(item =>
    {
        if (item.Deployment is { Via: not null, State: DeploymentState.Running or DeploymentState.Succeeded } d && d.Origin.Platform == me.Platform && d.Origin.Conversation == me.Conversation)
            lock (_gate) _deployed.Add((d.App, d.Env));
    });

    /// <summary>Runs until quit, Ctrl-D or a second Ctrl-C; returns true when left by Ctrl-C (nothing more to wait for).</summary>
    public async Task<bool> RunAsync()
    {
        Task<string?>? read = null;
        while (true)
        {
            if (read is null)
            {
                _console.Prompt();
                // Console.In reads synchronously even through ReadLineAsync: give it its own thread, so Ctrl-C can end the wait.
                read = Task.Factory.StartNew(input.ReadLine, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            if (await Task.WhenAny(read, _leave.Task).ConfigureAwait(false) == _leave.Task) return true;
            var line = await read.ConfigureAwait(false);
            _console.Typed();
            read = null;
            Interlocked.Exchange(ref _interrupts, 0);
            if (line is null || line.Trim() is "quit" or "exit" or "q") return false;
            IReadOnlyList<Deployment>? question;
            lock (_gate) (question, _question) = (_question, null);
            if (question is not null && await AnswerAsync(question, line.Trim()).ConfigureAwait(false)) continue;
            if (!string.IsNullOrWhiteSpace(line)) await RunAsync(line).ConfigureAwait(false);
        }
    }

    /// <summary>Ctrl-C (SIGINT): the first stops waiting and asks; the second, with no line typed between, leaves.</summary>
    public void Interrupt()
    {
        if (Interlocked.Increment(ref _interrupts) >= 2)
        {
            _leave.TrySetResult();
            return;
        }
        lock (_gate) _waiting?.Cancel();
        _ = Task.Run(AskAsync);
    }

    private async Task AskAsync()
    {
        var active = (await _store.ListAsync(null, null, 10, activeOnly: true, CancellationToken.None).ConfigureAwait(false))
            .Where(d => d.Origin.Platform == ConsolePlatform.PlatformName).ToList();
        string text;
        if (active.Count == 0)
            text = "Press Ctrl-C again, or type quit, to leave.";
        else
        {
            lock (_gate) _question = active;
            var what = string.Join(", ", active.Select(d => $"{d.App} #{d.Number} ({d.State.ToString().ToLowerInvariant()})"));
            text = $"{what} {(active.Count == 1 ? "is" : "are")} still going. Cancel {(active.Count == 1 ? "it" : "them")}? " +
                   "Type y to cancel, n to leave it running.\nCtrl-C again leaves the chat (a running deploy is then interrupted).";
        }
        // After the ^C the terminal echoed: the question on a line of its own, then the prompt again.
        output.WriteLine();
        _console.Typed();
        await _console.SendAsync(Here, new ChatMessage(text), CancellationToken.None).ConfigureAwait(false);
        _console.Prompt();
    }

    /// <summary>The answer to "cancel it?"; false when the line is not an answer but a command.</summary>
    private async Task<bool> AnswerAsync(IReadOnlyList<Deployment> question, string line)
    {
        switch (line.ToLowerInvariant())
        {
            case "y" or "yes":
                foreach (var d in question) await RunAsync($"cancel {d.App} #{d.Number}").ConfigureAwait(false);
                return true;
            case "n" or "no" or "":
                var hint = string.Join(" · ", question.Select(d => $"cancel {d.App}"));
                await _console.SendAsync(Here, new ChatMessage($"Left running. To stop it later: {hint}"), CancellationToken.None).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    private async Task RunAsync(string line)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        using var waiting = new CancellationTokenSource();
        lock (_gate) _waiting = waiting;
        try
        {
            using (await _console.HoldProgressAsync().ConfigureAwait(false))
            {
                var result = await _handler.HandleAsync(new ChatRequest(me, line), waiting.Token).ConfigureAwait(false);
                if (result.Started is { } started) lock (_gate) _deployed.Add((started.App, started.Env));
                foreach (var message in result.Messages)
                    await _console.SendAsync(Here, message, CancellationToken.None).ConfigureAwait(false);
                _metrics.Acknowledged(ConsolePlatform.PlatformName, arrived);
            }
        }
        catch (OperationCanceledException) when (waiting.IsCancellationRequested)
        {
            // Ctrl-C while an answer was on its way: stop waiting for it; AskAsync says what is still going.
        }
        finally
        {
            lock (_gate) _waiting = null;
        }
    }

    /// <summary>On leaving: stops the apps this session deployed, where their target can (<c>Shell:Stop</c>).</summary>
    public async Task StopWhatWasStartedAsync(CancellationToken cancellationToken)
    {
        var apps = services.GetRequiredService<AppCatalog>();
        var targets = services.GetRequiredService<TargetRegistry>();
        List<(string App, string Env)> deployed;
        lock (_gate) deployed = [.. _deployed];
        foreach (var (name, env) in deployed)
            if (apps.Find(name) is { } app && app.HasEnv(env) && targets.Get(app.Target) is ICanStop stoppable
                && await stoppable.StopAsync(app.For(env), cancellationToken).ConfigureAwait(false) is { } said)
                await _console.SendAsync(Here, new ChatMessage(said), cancellationToken).ConfigureAwait(false);
    }
}
