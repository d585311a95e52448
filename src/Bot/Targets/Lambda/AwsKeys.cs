namespace Bot.Targets.Lambda;

/// <summary>A resolved access key (with its session token when temporary).</summary>
public sealed record AwsKeys(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"AwsKeys({AccessKeyId})";
}
