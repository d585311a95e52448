using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// An app's settings as they apply to one environment: the app's own keys with the keys under
/// <c>Environments:&lt;env&gt;</c> laid over them. <see cref="Section"/> is that merged view, from which
/// each target reads its own sub-section (<c>Shell</c>, <c>Heroku</c>, ...).
/// </summary>
public sealed record AppEnvConfig(
    string App,
    string Env,
    string Target,
    string? Repository,
    string? DefaultBranch,
    IReadOnlyList<string> Deployers,
    IReadOnlyList<string> Approvers,
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> AlertChannels,
    string? Url,
    IConfiguration Section,
    string KeyPath)
{
    /// <summary>Whether deploys here wait for approvals, and how many (<see cref="ApprovalSettings"/>).</summary>
    public ApprovalSettings Approval { get; init; } = ApprovalSettings.None;

    /// <summary>The branch that deploys here by itself, the CI gate, promotion and the GitHub repository (<see cref="PushSettings"/>).</summary>
    public PushSettings Push { get; init; } = PushSettings.None;

    /// <summary>The configuration path of a key of this app, for error messages (<c>Apps:web:Shell:Build</c>).</summary>
    public string KeyOf(string relative) => $"{KeyPath}:{relative}";

    /// <summary>Who may use the read-only commands (status, history, logs, alerts); empty means anyone in an allowed channel.</summary>
    public IReadOnlyList<string> Viewers { get; init; } = [];

    /// <summary>The app's named one-off tasks (<see cref="AppTask"/>), by name.</summary>
    public IReadOnlyDictionary<string, AppTask> Tasks { get; init; } = new Dictionary<string, AppTask>();

    /// <summary>Who may set and unset config vars; null (not set) means the <see cref="Deployers"/>.</summary>
    public IReadOnlyList<string>? ConfigEditors { get; init; }

    /// <summary>Who may run the app's tasks; null (not set) means the <see cref="Deployers"/>.</summary>
    public IReadOnlyList<string>? Runners { get; init; }

    /// <summary>The environment's own section (<c>Apps:web:Environments:production</c>), when it has one.</summary>
    public IConfigurationSection? Overrides { get; init; }

    /// <summary>Where a list such as <c>Deployers</c> that applies here is set: the environment's key if it sets one, else the app's.</summary>
    public string SetAt(string key) => Overrides?.GetSection(key).Exists() == true ? $"{Overrides.Path}:{key}" : KeyOf(key);
}
