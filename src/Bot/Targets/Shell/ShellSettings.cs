using Bot.Text;
using System.Globalization;
using Bot.Configuration;

namespace Bot.Targets.Shell;

/// <summary>The <c>Shell</c> section of an app: the commands run on the bot's own host.</summary>
public sealed record ShellSettings(
    string? Build,
    string Deploy,
    string? Health,
    string? Logs,
    string? LogFile,
    IReadOnlyDictionary<string, string> Env,
    int? Port,
    TimeSpan StepTimeout,
    TimeSpan HealthTimeout,
    TimeSpan HealthInterval,
    int KeepReleases,
    string? Stop = null)
{
    public static ShellSettings Read(AppEnvConfig app)
    {
        var s = new SettingsSection(app, "Shell");
        string Key(string k) => s.KeyOf(k);
        var deploy = s["Deploy"];
        if (string.IsNullOrWhiteSpace(deploy))
            throw s.Missing("Deploy", "the command that starts the new release, e.g. \"docker compose up -d --build\"");
        var logs = Blank(s["Logs"]);
        int? port = null;
        if (Blank(s["Port"]) is { } p)
            port = int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65536
                ? n : throw new ConfigException(Key("Port"), $"'{p}' is not a TCP port number");
        var keep = 5;
        if (Blank(s["KeepReleases"]) is { } k && (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out keep) || keep < 2))
            throw new ConfigException(Key("KeepReleases"), $"'{k}' should be a whole number of at least 2 (the live release and one to roll back to)");
        var env = s.Section("Env").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? "", StringComparer.Ordinal);
        var settings = new ShellSettings(
            Blank(s["Build"]), deploy, Blank(s["Health"]), logs, Blank(s["LogFile"]), env, port,
            Duration(s, "StepTimeout", TimeSpan.FromMinutes(15), Key), Duration(s, "HealthTimeout", TimeSpan.FromSeconds(60), Key),
            Duration(s, "HealthInterval", TimeSpan.FromSeconds(1), Key), keep, Blank(s["Stop"]));
        s.RejectUnknown();
        return settings;
    }

    private static TimeSpan Duration(SettingsSection s, string name, TimeSpan fallback, Func<string, string> key)
    {
        var text = Blank(s[name]);
        if (text is null) return fallback;
        if (Durations.Parse(text) is { } d) return d;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero) return t;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0) return TimeSpan.FromSeconds(seconds);
        throw new ConfigException(key(name), $"'{text}' is not a duration; write it as 30s, 5m or 1h");
    }

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
