namespace Bot.Telemetry;

/// <summary>Why a release was rolled back: someone asked (<c>rollback</c>, an alert's button), or the bot put the previous one back after a failure.</summary>
public enum RollbackReason { Command, PutBack }
