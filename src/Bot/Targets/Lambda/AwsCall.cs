namespace Bot.Targets.Lambda;

/// <summary>One call to an AWS API: where it goes, what it carries, whether it may be sent twice.</summary>
/// <param name="Path">Relative to the service endpoint, already encoded (<c>2015-03-31/functions/api</c>).</param>
/// <param name="Upload">A large body (a code zip): sent on the client without the short per-attempt timeout.</param>
public sealed record AwsCall(AwsService Service, string Name, HttpMethod Method, string Path, byte[]? Body = null, string? ContentType = null,
    string? Target = null, bool Retry = true, bool Upload = false, string? InvocationType = null);
