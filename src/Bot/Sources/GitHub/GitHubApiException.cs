namespace Bot.Sources.GitHub;

/// <summary>GitHub refused or failed a call: the HTTP status (0 when it could not be reached) and GitHub's own <c>message</c>.</summary>
public sealed class GitHubApiException(string call, int status, string message) : Exception($"{call}: {status} {message}")
{
    public string Call { get; } = call;
    public int Status { get; } = status;
    public string Reason { get; } = message;
}
