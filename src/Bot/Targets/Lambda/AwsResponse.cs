namespace Bot.Targets.Lambda;

/// <summary>What came back: the status, the body, and the few headers callers read (<c>X-Amz-Function-Error</c>).</summary>
public sealed record AwsResponse(int Status, byte[] Body, IReadOnlyDictionary<string, string> Headers);
