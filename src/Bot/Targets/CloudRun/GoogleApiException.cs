namespace Bot.Targets.CloudRun;

/// <summary>A refused or failed Google API call: which call, the HTTP status (0 when unreachable), Google's status name and message.</summary>
public sealed class GoogleApiException(string call, int status, string code, string reason)
    : Exception($"{call}: {status} {code}: {reason}")
{
    public string Call { get; } = call;
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Reason { get; } = reason;
}
