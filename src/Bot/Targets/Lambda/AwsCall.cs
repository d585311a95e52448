namespace Bot.Targets.Lambda;

/// <summary>One call to an AWS API: where it goes, what it carries, whether it may be sent twice.</summary>
/// <param name="Path">Relative to the service endpoint, already encoded (<c>2015-03-31/functions/api</c>).</param>
/// <param name="Upload">A large body (a code zip): sent on the client without the short per-attempt timeout.</param>
/// <param name="Waits">The answer comes when the function has run (a task's invoke, up to Lambda's 15 minutes): sent on the client whose timeout allows that.</param>
/// <param name="Region">The app's own region (<c>Ecs:Region</c>), else the bot's <c>AWS_REGION</c>.</param>
/// <param name="LogType"><c>Tail</c> asks an invoke for the last 4 KB of its log in <c>X-Amz-Log-Result</c>.</param>
public sealed record AwsCall(AwsService Service, string Name, HttpMethod Method, string Path, byte[]? Body = null, string? ContentType = null,
    string? Target = null, bool Retry = true, bool Upload = false, string? InvocationType = null, bool Waits = false, string? LogType = null, string? Region = null);
