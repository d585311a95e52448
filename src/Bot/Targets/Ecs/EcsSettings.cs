using Bot.Text;
using Bot.Configuration;

namespace Bot.Targets.Ecs;

/// <summary>
/// The <c>Ecs</c> section of an app: <c>Cluster</c> (default <c>default</c>), <c>Service</c>, <c>Region</c> (else
/// <c>AWS_REGION</c>), <c>Container</c> (the one whose image changes; default the task definition's only essential one),
/// <c>Image</c> (<c>…/web:{sha}</c>, <c>{short_sha}</c>) and/or a <c>Build</c> command run on the bot's host that pushes
/// it, <c>Timeout</c> (default 15m), how long a rollout may take before it counts as stuck, and <c>Topics</c>: the ARNs of
/// the SNS topics the service's ECS events (EventBridge → SNS) may come through as alerts.
/// </summary>
public sealed record EcsSettings(string Cluster, string Service, string? Region, string? Container, string? Image, string? Build, TimeSpan Timeout)
{
    /// <summary>The SNS topics ECS events of this service may arrive through (the AWS alert endpoint checks them).</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(15);

    public static EcsSettings Read(AppEnvConfig app)
    {
        var s = new SettingsSection(app, "Ecs");
        var service = Blank(s["Service"]) ?? throw s.Missing("Service", "the name of the ECS service to deploy, e.g. \"web\"");
        var timeout = DefaultTimeout;
        if (Blank(s["Timeout"]) is { } t)
            timeout = Durations.Parse(t) ?? throw new ConfigException(s.KeyOf("Timeout"), $"'{t}' is not a duration; write it as 15m");
        var topics = s.List("Topics");
        if (topics.FirstOrDefault(t => !Lambda.LambdaSettings.IsTopicArn(t)) is { } notTopic)
            throw new ConfigException(s.KeyOf("Topics"), $"'{notTopic}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)");
        var settings = new EcsSettings(Blank(s["Cluster"]) ?? "default", service, Blank(s["Region"]), Blank(s["Container"]), Blank(s["Image"]), Blank(s["Build"]), timeout)
        {
            Topics = topics,
        };
        if (settings.Build is not null && app.Repository is null)
            throw new ConfigException(app.KeyOf("Repository"), "missing; Ecs:Build runs in a checkout of the app's repository");
        s.RejectUnknown();
        return settings;
    }

    /// <summary>The image for a commit: <c>{sha}</c> and <c>{short_sha}</c> replaced (the ref itself when there is no commit).</summary>
    public static string ImageFor(string template, string? sha, string? gitRef)
    {
        var full = sha ?? gitRef ?? "latest";
        var shortSha = sha is { Length: >= 7 } ? sha[..7] : full;
        return template.Replace("{short_sha}", shortSha, StringComparison.Ordinal).Replace("{sha}", full, StringComparison.Ordinal);
    }

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
