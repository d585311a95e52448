namespace Bot.Deployments;

/// <summary>How a command ended, as the audit log keeps it.</summary>
public static class AuditOutcome
{
    public const string Ok = "ok";
    public const string Refused = "refused";
    /// <summary>Refused by the per-person rate limit.</summary>
    public const string Limited = "limited";
    /// <summary>Failed on the bot's side.</summary>
    public const string Failed = "failed";
}
