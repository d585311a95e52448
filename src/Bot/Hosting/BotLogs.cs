namespace Bot.Hosting;

/// <summary>Where a process's log lines go.</summary>
public enum BotLogs
{
    /// <summary>The host's console logger (a server's stdout, collected by the platform).</summary>
    Server,
    /// <summary>The same, without the host's start and stop lines (a worker run once a minute).</summary>
    Quiet,
    /// <summary>Warnings and worse, one line each, on stderr: the terminal is the conversation.</summary>
    Terminal,
    /// <summary>Warnings and worse, one redacted line each, to <c>DATA_DIR/chat.log</c>: the terminal is the chat's alone.</summary>
    File,
    /// <summary>None: the verb prints its own one line.</summary>
    None,
}
