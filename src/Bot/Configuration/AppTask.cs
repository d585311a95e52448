using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// A named one-off task of an app (<c>"Tasks": { "migrate": "python manage.py migrate" }</c>, or an object with
/// <c>Command</c>, <c>Lock</c>, <c>Timeout</c> and <c>Payload</c>). Only tasks named here run from chat; there is no
/// free-form command. <see cref="Lock"/> makes it wait for and hold the app/env's deploy lock (migrations).
/// </summary>
/// <param name="Section">The task's own section, for what a target reads of it (Lambda's <c>Payload</c>); null for the short form.</param>
public sealed partial record AppTask(string Name, string? Command, bool Lock, TimeSpan Timeout, IConfigurationSection? Section, string KeyPath)
{
    public static readonly string[] Keys = ["Command", "Lock", "Timeout", "Payload"];

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The tasks under <c>Tasks</c> of one app/environment, by name; throws <see cref="ConfigException"/> naming the key.</summary>
    public static IReadOnlyDictionary<string, AppTask> Read(IConfiguration merged, Func<string, string> at)
    {
        var tasks = new Dictionary<string, AppTask>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in merged.GetSection("Tasks").GetChildren())
        {
            var path = $"{at("Tasks")}:{child.Key}";
            if (!TaskName().IsMatch(child.Key))
                throw new ConfigException(path, "a task name is lower-case letters, digits, - and _ (like migrate or seed-db)");
            if (child.Value is { } command)
            {
                if (string.IsNullOrWhiteSpace(command)) throw new ConfigException(path, "empty; give the command to run, e.g. \"python manage.py migrate\"");
                tasks[child.Key] = new AppTask(child.Key, command.Trim(), false, DefaultTimeout, null, path);
                continue;
            }
            KnownKeys.Check(child, path, Keys);
            var lockText = child["Lock"];
            if (lockText is not null && !bool.TryParse(lockText, out _))
                throw new ConfigException($"{path}:Lock", $"'{lockText}' should be true or false");
            var timeout = child["Timeout"] is { Length: > 0 } t ? ConfigDuration.Parse(t.Trim(), $"{path}:Timeout", "30s, 10m or 2h") : DefaultTimeout;
            var text = child["Command"];
            if (text is not null && string.IsNullOrWhiteSpace(text)) throw new ConfigException($"{path}:Command", "empty; give the command to run");
            tasks[child.Key] = new AppTask(child.Key, text?.Trim(), lockText is not null && bool.Parse(lockText), timeout, child, path);
        }
        return tasks;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex TaskName();
}
