using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Bot.Targets.Lambda;

/// <summary>
/// Where the access key comes from: the keys in the configuration when both are there, else AWS's standard chain
/// (environment, shared profile, web identity, container and instance roles) through <c>AWSSDK.Core</c>, whose
/// credential objects refresh temporary keys themselves. Found once, then asked for fresh keys on every call.
/// </summary>
public sealed class AwsCredentials(AwsOptions options)
{
    private readonly Lazy<AWSCredentials> _chain = new(() => DefaultAWSCredentialsIdentityResolver.GetCredentials(null), LazyThreadSafetyMode.ExecutionAndPublication);

    public async Task<AwsKeys> GetAsync(CancellationToken cancellationToken)
    {
        if (options.Keys is { } keys) return keys;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var found = await _chain.Value.GetCredentialsAsync().ConfigureAwait(false);
            return new AwsKeys(found.AccessKey, found.SecretKey, found.UseToken ? found.Token : null);
        }
        catch (AmazonClientException)
        {
            // The SDK's message lists every source it tried, one exception each: too long for chat, and the sources are these.
            throw new AwsApiException("credentials", 0, "NoCredentials",
                "no AWS credentials were found (not in the environment, a profile, web identity, or a container or instance role); " +
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with a role");
        }
    }
}
