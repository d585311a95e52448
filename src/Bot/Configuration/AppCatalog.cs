using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Bot.Configuration;

/// <summary>
/// The apps named under the <c>Apps</c> configuration section, read once at start. A wrong or missing
/// key throws <see cref="ConfigException"/> naming it, so startup stops with one clear line.
/// </summary>
public sealed class AppCatalog
{
    public static readonly string[] CommonKeys =
    [
        "Target", "Repository", "DefaultBranch", "Environments", "Deployers", "Approvers", "Viewers", "Channels",
        "AlertChannels", "Url", "InitRepository", "Tasks", "ConfigEditors", "Runners", .. ApprovalSettings.Keys, .. PushSettings.Keys,
    ];

    /// <summary>
    /// The section a target kind reads under an app (<c>Shell</c>, <c>Heroku</c>, <c>Lambda</c>, <c>CloudRun</c>): its kind,
    /// as configuration keys are matched without regard to case, spelled as people write it.
    /// </summary>
    public static string SectionOf(string kind) =>
        kind.Equals("cloudrun", StringComparison.OrdinalIgnoreCase) ? "CloudRun"
        : kind.Length == 0 ? kind : char.ToUpperInvariant(kind[0]) + kind[1..].ToLowerInvariant();

    private readonly Dictionary<string, AppConfig> _apps;

    public AppCatalog(IEnumerable<AppConfig> apps) =>
        _apps = apps.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<AppConfig> All => _apps.Values;

    public IEnumerable<string> Names => _apps.Values.Select(a => a.Name).Order(StringComparer.Ordinal);

    public AppConfig? Find(string name) => _apps.GetValueOrDefault(name);

    /// <summary>Reads <c>Apps</c>; <paramref name="targetKinds"/> are the target kinds this build has.</summary>
    public static AppCatalog Load(IConfiguration configuration, IReadOnlyCollection<string> targetKinds)
    {
        var apps = new List<AppConfig>();
        foreach (var section in configuration.GetSection("Apps").GetChildren())
            apps.Add(ReadApp(section, targetKinds));
        return new AppCatalog(apps);
    }

    private static AppConfig ReadApp(IConfigurationSection section, IReadOnlyCollection<string> targetKinds)
    {
        var name = section.Key;
        var path = $"Apps:{name}";
        if (!IsName(name))
            throw new ConfigException(path, "app names use letters, digits, '-' and '_' only (they are typed in chat)");
        var target = section["Target"]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(target))
            throw new ConfigException($"{path}:Target", $"missing; expected one of {string.Join(", ", targetKinds)}");
        if (!targetKinds.Contains(target))
            throw new ConfigException($"{path}:Target", $"'{target}' is not a target kind; expected one of {string.Join(", ", targetKinds)}");
        CheckKeys(section, path, target, targetKinds, [.. CommonKeys, "Environments"]);

        var envNames = new List<string>();
        var envSections = new Dictionary<string, IConfigurationSection?>(StringComparer.OrdinalIgnoreCase);
        foreach (var env in section.GetSection("Environments").GetChildren())
        {
            // Either a list of names ("Environments": ["production", "staging"]) or a map of
            // name → overrides ("Environments": { "staging": { "Heroku": { "App": "acme-staging" } } }).
            var isListItem = int.TryParse(env.Key, out _);
            var envName = isListItem ? env.Value : env.Key;
            if (string.IsNullOrWhiteSpace(envName) || !IsName(envName))
                throw new ConfigException(env.Path, "environment names use letters, digits, '-' and '_' only");
            if (!envSections.TryAdd(envName, isListItem ? null : env))
                throw new ConfigException(env.Path, $"environment '{envName}' is listed twice");
            if (!isListItem) CheckKeys(env, env.Path, target, targetKinds, CommonKeys.Where(k => k is not "Target" and not "InitRepository").ToArray());
            envNames.Add(envName);
        }
        if (envNames.Count == 0)
        {
            envNames.Add("production");
            envSections["production"] = null;
        }

        var byEnv = new Dictionary<string, AppEnvConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var envName in envNames)
        {
            var env = ReadEnv(name, target, envName, section, envSections[envName], path);
            byEnv[envName] = env with
            {
                Approval = ApprovalSettings.Read(env.Section, path, envName, env.Approvers),
                Push = PushSettings.Read(env.Section, env.SetAt, env.Repository),
                Tasks = AppTask.Read(env.Section, env.SetAt),
            };
        }
        foreach (var env in byEnv.Values)
            if (env.Push.PromoteFrom is { } from && (!byEnv.ContainsKey(from) || from.Equals(env.Env, StringComparison.OrdinalIgnoreCase)))
                throw new ConfigException(env.SetAt("PromoteFrom"), $"'{from}' is not another environment of {name}; expected one of {string.Join(", ", envNames.Where(e => !e.Equals(env.Env, StringComparison.OrdinalIgnoreCase)))}");
        return new AppConfig(name, target, envNames, byEnv);
    }

    private static AppEnvConfig ReadEnv(
        string app, string target, string env, IConfigurationSection appSection, IConfigurationSection? overrides, string path)
    {
        var merged = Merge(appSection, overrides);
        var repository = Blank(merged["Repository"]);
        var defaultBranch = Blank(merged["DefaultBranch"]);
        if (defaultBranch is not null && defaultBranch.Any(char.IsWhiteSpace))
            throw new ConfigException($"{path}:DefaultBranch", "a branch name has no spaces");
        var url = Blank(merged["Url"]);
        if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
            throw new ConfigException($"{path}:Url", $"'{url}' is not an absolute URL");
        return new AppEnvConfig(
            app, env, target, repository, defaultBranch,
            List(merged, "Deployers"), List(merged, "Approvers"), List(merged, "Channels"),
            ReadAlertChannels(merged, path), url, merged, path) {
                Viewers = List(merged, "Viewers"), Overrides = overrides,
                ConfigEditors = merged.GetSection("ConfigEditors").Exists() ? List(merged, "ConfigEditors") : null,
                Runners = merged.GetSection("Runners").Exists() ? List(merged, "Runners") : null,
            };
    }

    private static IReadOnlyList<string> ReadAlertChannels(IConfiguration merged, string path)
    {
        var channels = List(merged, "AlertChannels");
        foreach (var channel in channels)
        {
            var colon = channel.IndexOf(':');
            if (colon <= 0 || colon == channel.Length - 1)
                throw new ConfigException($"{path}:AlertChannels", $"'{channel}' should be platform:id, e.g. slack:C0123 or line:U4af...");
        }
        return channels;
    }

    /// <summary>
    /// Unknown keys stop startup with their closest spelling; another target's section (a <c>Heroku</c> section on a shell
    /// app) is named as such. The target's own section is checked by the target, from the keys its settings read.
    /// </summary>
    private static void CheckKeys(IConfigurationSection section, string path, string target, IReadOnlyCollection<string> targetKinds, string[] common)
    {
        var own = SectionOf(target);
        foreach (var child in section.GetChildren())
        {
            if (child.Key.Equals(own, StringComparison.OrdinalIgnoreCase) || common.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) continue;
            if (targetKinds.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new ConfigException($"{path}:{child.Key}", $"a section of the {child.Key.ToLowerInvariant()} target, but this app's Target is {target}");
            throw KnownKeys.Unknown($"{path}:{child.Key}", child.Key, [.. common, own]);
        }
    }

    /// <summary>The app's keys with the environment's overrides laid over them, minus <c>Environments</c>.</summary>
    private static IConfiguration Merge(IConfigurationSection app, IConfigurationSection? overrides)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in app.AsEnumerable(makePathsRelative: true))
            if (value is not null && !key.StartsWith("Environments", StringComparison.OrdinalIgnoreCase))
                values[key] = value;
        if (overrides is not null)
        {
            var set = overrides.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null).ToList();
            // A list or value given for the environment replaces the app's whole list or value at that key.
            foreach (var replaced in set.Select(kv => ListRoot(kv.Key)).Distinct(StringComparer.OrdinalIgnoreCase))
                foreach (var key in values.Keys.Where(k => k.Equals(replaced, StringComparison.OrdinalIgnoreCase)
                                                        || k.StartsWith(replaced + ":", StringComparison.OrdinalIgnoreCase)).ToList())
                    values.Remove(key);
            foreach (var (key, value) in set)
                values[key] = value;
        }
        var source = new MemoryConfigurationSource { InitialData = values };
        return new ConfigurationBuilder().Add(source).Build();
    }

    /// <summary><c>Deployers:0</c> → <c>Deployers</c>; <c>Shell:Build</c> stays itself.</summary>
    private static string ListRoot(string key)
    {
        var parts = key.Split(':');
        var index = Array.FindIndex(parts, p => int.TryParse(p, out _));
        return index > 0 ? string.Join(':', parts[..index]) : key;
    }

    /// <summary>A list key given as a JSON array, or as one comma-separated string (handy in env vars).</summary>
    internal static IReadOnlyList<string> List(IConfiguration section, string key)
    {
        var s = section.GetSection(key);
        if (s.Value is { } single)
            return single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return s.GetChildren().Select(c => c.Value?.Trim()).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static bool IsName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
