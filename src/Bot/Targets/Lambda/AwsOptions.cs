using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// AWS settings as the SDKs read them: <c>AWS_REGION</c> (else <c>AWS_DEFAULT_REGION</c>), <c>AWS_ENDPOINT_URL</c> and the
/// service-specific <c>AWS_ENDPOINT_URL_LAMBDA</c>, <c>_CLOUDWATCH_LOGS</c>, <c>_CLOUDWATCH</c>, <c>_SNS</c>, <c>_ECS</c> (which win),
/// both ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true. Keys given in the configuration
/// (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/<c>AWS_SESSION_TOKEN</c>) are used as they are; otherwise the
/// SDK's default chain (profile, web identity, container and instance roles) finds them.
/// </summary>
public sealed record AwsOptions(string? Region, IReadOnlyDictionary<string, Uri> Endpoints, AwsKeys? Keys)
{
    public static AwsOptions From(IConfiguration configuration)
    {
        var region = Blank(configuration["AWS_REGION"]) ?? Blank(configuration["AWS_DEFAULT_REGION"]);
        var endpoints = new Dictionary<string, Uri>(StringComparer.Ordinal);
        if (!string.Equals(Blank(configuration["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var service in new[] { AwsService.Lambda, AwsService.Logs, AwsService.CloudWatch, AwsService.Sns, AwsService.S3, AwsService.Ecs })
            {
                var key = $"AWS_ENDPOINT_URL_{service.EnvSuffix}";
                if (Blank(configuration[key]) is { } own) endpoints[service.EnvSuffix] = Url(own, key);
                else if (Blank(configuration["AWS_ENDPOINT_URL"]) is { } all) endpoints[service.EnvSuffix] = Url(all, "AWS_ENDPOINT_URL");
            }
        }
        var keys = Blank(configuration["AWS_ACCESS_KEY_ID"]) is { } id && Blank(configuration["AWS_SECRET_ACCESS_KEY"]) is { } secret
            ? new AwsKeys(id, secret, Blank(configuration["AWS_SESSION_TOKEN"]))
            : null;
        return new AwsOptions(region, endpoints, keys);
    }

    /// <summary>The region, or a startup error naming <c>AWS_REGION</c>.</summary>
    public string RequireRegion(string why) =>
        Region ?? throw new ConfigException("AWS_REGION", $"not set; {why}, so the bot needs the AWS region (e.g. us-east-1)");

    /// <summary>Where an S3 object is PUT: path-style on an endpoint override (moto, MinIO), else the bucket's own host.</summary>
    public Uri ObjectUrl(string bucket, string key)
    {
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return Endpoints.ContainsKey(AwsService.S3.EnvSuffix)
            ? new Uri(EndpointOf(AwsService.S3), $"{Uri.EscapeDataString(bucket)}/{path}")
            : new Uri($"https://{bucket}.s3.{Region ?? "us-east-1"}.amazonaws.com/{path}");
    }

    /// <summary>
    /// The override for <paramref name="service"/>, else <c>https://{prefix}.{region}.amazonaws.com/</c>, in
    /// <paramref name="region"/> when an app names its own (<c>Ecs:Region</c>).
    /// </summary>
    public Uri EndpointOf(AwsService service, string? region = null) =>
        Endpoints.TryGetValue(service.EnvSuffix, out var url) ? url : new Uri($"https://{service.EndpointPrefix}.{region ?? Region ?? "us-east-1"}.amazonaws.com/");

    private static Uri Url(string value, string key) =>
        Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new ConfigException(key, $"'{value}' is not an http(s) URL");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
