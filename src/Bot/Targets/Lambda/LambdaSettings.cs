using System.Globalization;
using Bot.Text;
using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// The <c>Lambda</c> section of an app: <c>Function</c>, <c>Alias</c> (default <c>live</c>), the code as <c>Build</c> +
/// <c>Artifact</c> (a zip made in the checkout; <c>S3Bucket</c> for one over 50 MB) or an <c>ImageUri</c> template
/// (<c>…/api:{sha}</c>), an optional <c>Smoke</c> payload, a <c>Canary</c> percentage watched for <c>CanaryMinutes</c>
/// against <c>Alarms</c>, <c>LogGroup</c> (default <c>/aws/lambda/&lt;function&gt;</c>), and <c>Topics</c>: the ARNs of the SNS
/// topics whose alarm notifications <c>/alerts/aws</c> takes for the app.
/// </summary>
public sealed record LambdaSettings(
    string Function,
    string Alias,
    string? Build,
    string? Artifact,
    string? ImageUri,
    string? S3Bucket,
    string? Smoke,
    int? Canary,
    TimeSpan CanaryTime,
    IReadOnlyList<string> Alarms,
    string LogGroup,
    TimeSpan BuildTimeout,
    IReadOnlyList<string> Topics)
{
    public static LambdaSettings Read(AppEnvConfig app)
    {
        var s = new SettingsSection(app, "Lambda");
        string Key(string k) => s.KeyOf(k);
        var function = Blank(s["Function"]) ?? throw s.Missing("Function", "the name or ARN of the Lambda function to deploy, e.g. \"acme-api\"");
        var (artifact, image) = (Blank(s["Artifact"]), Blank(s["ImageUri"]));
        if (artifact is null == image is null)
            throw new ConfigException(Key(artifact is null ? "Artifact" : "ImageUri"),
                artifact is null ? "missing; the zip the Build makes (e.g. \"out/api.zip\"), or an ImageUri for a container function"
                                 : "give Artifact (a zip) or ImageUri (a container image), not both");
        if (artifact is not null && app.Repository is null)
            throw new ConfigException(app.KeyOf("Repository"), "missing; the Lambda Artifact is built from the app's repository");
        int? canary = null;
        if (Blank(s["Canary"]) is { } c)
            canary = int.TryParse(c.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var pct) && pct is > 0 and < 100
                ? pct : throw new ConfigException(Key("Canary"), $"'{c}' should be the percentage of traffic for the new version, 1 to 99");
        var minutes = 10.0;
        if (Blank(s["CanaryMinutes"]) is { } m && (!double.TryParse(m, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes) || minutes <= 0 || minutes > 24 * 60))
            throw new ConfigException(Key("CanaryMinutes"), $"'{m}' should be a number of minutes, more than 0");
        var buildTimeout = TimeSpan.FromMinutes(15);
        if (Blank(s["BuildTimeout"]) is { } bt)
            buildTimeout = Durations.Parse(bt) ?? throw new ConfigException(Key("BuildTimeout"), $"'{bt}' is not a duration; write it as 10m");
        var topics = s.List("Topics");
        if (topics.FirstOrDefault(t => !IsTopicArn(t)) is { } notTopic)
            throw new ConfigException(Key("Topics"), $"'{notTopic}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)");
        var settings = new LambdaSettings(
            function, Blank(s["Alias"]) ?? "live", Blank(s["Build"]), artifact, image, Blank(s["S3Bucket"]), Blank(s["Smoke"]), canary,
            TimeSpan.FromMinutes(minutes), s.List("Alarms"), Blank(s["LogGroup"]) ?? $"/aws/lambda/{ShortName(function)}", buildTimeout, topics);
        s.RejectUnknown();
        return settings;
    }

    /// <summary><c>arn:aws:lambda:us-east-1:123:function:api</c> → <c>api</c>, as Lambda names the log group.</summary>
    public static string ShortName(string function) =>
        function.StartsWith("arn:", StringComparison.Ordinal) && function.Split(':') is { Length: >= 7 } parts ? parts[6] : function;

    internal static bool IsTopicArn(string arn) => arn.Split(':') is ["arn", { Length: > 0 }, "sns", { Length: > 0 }, { Length: > 0 }, { Length: > 0 }];

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
