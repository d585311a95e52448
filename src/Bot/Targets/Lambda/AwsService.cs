namespace Bot.Targets.Lambda;

/// <summary>One AWS service the bot calls: how it is signed and which <c>AWS_ENDPOINT_URL_*</c> variable overrides its endpoint.</summary>
/// <param name="SigningName">The SigV4 service name (<c>signingName</c>, else <c>endpointPrefix</c>, in botocore's model).</param>
/// <param name="EndpointPrefix">The host's first label: <c>https://{prefix}.{region}.amazonaws.com</c>.</param>
/// <param name="EnvSuffix">The model's <c>serviceId</c>, upper case with spaces as underscores, as the SDKs read it.</param>
public sealed record AwsService(string SigningName, string EndpointPrefix, string EnvSuffix)
{
    public static readonly AwsService Lambda = new("lambda", "lambda", "LAMBDA");
    public static readonly AwsService Logs = new("logs", "logs", "CLOUDWATCH_LOGS");
    public static readonly AwsService CloudWatch = new("monitoring", "monitoring", "CLOUDWATCH");
    public static readonly AwsService Sns = new("sns", "sns", "SNS");
    public static readonly AwsService S3 = new("s3", "s3", "S3");
    public static readonly AwsService Ecs = new("ecs", "ecs", "ECS");
}
