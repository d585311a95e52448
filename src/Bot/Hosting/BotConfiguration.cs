using Bot.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Bot.Hosting;

/// <summary>
/// Where settings come from, lowest to highest: appsettings.json, the file named by <c>--config</c> or
/// <c>BOT_CONFIG</c>, environment variables (<c>Apps__web__Target=heroku</c>), then command-line options.
/// </summary>
public static class BotConfiguration
{
    public static void Apply(IConfigurationManager configuration, BotCli cli)
    {
        if (cli.ConfigFile is { } file)
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path))
                throw new ConfigException("BOT_CONFIG", $"the config file {path} does not exist");
            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
            // Environment variables keep the last word over the file.
            var json = configuration.Sources[^1];
            var envIndex = configuration.Sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
            if (envIndex >= 0)
            {
                configuration.Sources.RemoveAt(configuration.Sources.Count - 1);
                configuration.Sources.Insert(envIndex, json);
            }
        }
        if (cli.DataDir is { } dataDir)
            configuration.AddInMemoryCollection([new("DATA_DIR", dataDir)]);
    }
}
