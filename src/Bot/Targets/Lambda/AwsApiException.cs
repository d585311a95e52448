namespace Bot.Targets.Lambda;

/// <summary>AWS refused or failed a call: the HTTP status (0 when unreachable), AWS's error code and message.</summary>
public sealed class AwsApiException(string call, int status, string code, string message) : Exception($"{call}: {status} {code}: {message}")
{
    public string Call { get; } = call;
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Reason { get; } = message;
}
