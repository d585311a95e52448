namespace Bot.Targets.Heroku;

/// <summary>Heroku refused or failed a call: the HTTP status (0 when it could not be reached), Heroku's error id and message.</summary>
public sealed class HerokuApiException(string call, int status, string id, string message) : Exception($"{call}: {status} {id}: {message}")
{
    public string Call { get; } = call;
    public int Status { get; } = status;
    public string Id { get; } = id;
    public string Reason { get; } = message;
}
