namespace Bot.Targets.CloudRun;

/// <summary>Resource names as the APIs spell them, and the labels the bot writes on the revisions it makes.</summary>
public static class CloudRunNames
{
    /// <summary>The full sha of the commit a revision was made from.</summary>
    public const string ShaLabel = "deploybot-sha";

    /// <summary>The number of the deployment that made a revision: how the bot knows its own revisions and their order.</summary>
    public const string DeploymentLabel = "deploybot-deployment";

    public const string RefAnnotation = "deploybot/ref";
    public const string ByAnnotation = "deploybot/by";

    public static string Location(string project, string region) => $"projects/{project}/locations/{region}";

    public static string Service(string project, string region, string service) => $"{Location(project, region)}/services/{service}";

    public static string Job(string project, string region, string job) => $"{Location(project, region)}/jobs/{job}";

    /// <summary>The last part of a resource name (<c>projects/…/revisions/site-00042</c> → <c>site-00042</c>).</summary>
    public static string? Short(string? name) => name is null ? null : name[(name.LastIndexOf('/') + 1)..];

    /// <summary>Percent-encodes each part of a resource path, keeping its slashes.</summary>
    public static string Path(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    /// <summary>A label value: lowercase letters, digits, '_' and '-', at most 63 characters.</summary>
    public static string LabelValue(string s)
    {
        var chars = s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray();
        var v = new string(chars);
        return v.Length > 63 ? v[..63] : v;
    }

    /// <summary>
    /// The name the bot gives a new revision: the service's name (Cloud Run requires it as the prefix), the deployment
    /// number and the short sha, e.g. <c>site-d42-3f2a1c9</c>. Null when that would pass the 63-character limit; Cloud
    /// Run then names it and the bot reads the name back.
    /// </summary>
    public static string? Revision(string service, int number, string shortSha)
    {
        var name = $"{service}-d{number}-{shortSha.ToLowerInvariant()}";
        return name.Length <= 63 ? name : null;
    }
}
