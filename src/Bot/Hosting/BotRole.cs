using Bot.Deployments;

namespace Bot.Hosting;

/// <summary>What one verb's process is made of: every verb builds its host from one of these, with <see cref="BotHost"/>.</summary>
public sealed record BotRole
{
    /// <summary>Slack and LINE clients, to send cards and alerts.</summary>
    public bool Chat { get; init; }
    /// <summary>...and to take commands (Socket Mode, start-up checks).</summary>
    public bool Receive { get; init; }
    /// <summary>Start-up work (migrations, clones) and the deployment cards as hosted services.</summary>
    public bool Background { get; init; }
    /// <summary>The job worker as a hosted service.</summary>
    public bool Worker { get; init; }
    /// <summary>Show deployment cards (off where a process may be frozen after answering).</summary>
    public bool Cards { get; init; } = true;
    /// <summary>Read the apps at start-up, so a config mistake stops the process with one line.</summary>
    public bool CheckApps { get; init; } = true;
    public BotLogs Logs { get; init; } = BotLogs.Server;
    public WorkerOptions? Work { get; init; }

    public static BotRole Serve(bool worker) => new() { Chat = true, Receive = true, Background = true, Worker = worker, Cards = worker };

    /// <summary><c>worker</c>: the job worker alone, no web endpoints.</summary>
    public static readonly BotRole Jobs = new() { Chat = true, Receive = true, Background = true, Worker = true };

    /// <summary><c>worker --drain</c>: sends only (no Socket Mode for a process about to exit); runs jobs itself.</summary>
    public static readonly BotRole Drain = new() { Chat = true, Background = true, Logs = BotLogs.Quiet };

    /// <summary>A one-shot verb that prints its own result: the store and the apps, nothing running.</summary>
    public static readonly BotRole Tool = new() { Logs = BotLogs.None };
}
