using System.Text.RegularExpressions;
using Bot.Configuration;

namespace Bot.Targets.Heroku;

/// <summary>The <c>Heroku</c> section of an app: which Heroku app it is (<c>"Heroku": { "App": "acme-web" }</c>).</summary>
public sealed partial record HerokuSettings(string App)
{
    public static HerokuSettings Read(AppEnvConfig app)
    {
        var s = new SettingsSection(app, "Heroku");
        var name = s["App"]?.Trim();
        if (string.IsNullOrEmpty(name))
            throw s.Missing("App", "the name of the Heroku app to deploy to, e.g. \"acme-web\"");
        s.RejectUnknown();
        if (!AppName().IsMatch(name))
            throw new ConfigException(app.KeyOf("Heroku:App"), $"'{name}' is not a Heroku app name (lowercase letters, digits and dashes, starting with a letter)");
        return new HerokuSettings(name);
    }

    /// <summary>The pattern of <c>definitions.app.definitions.name</c> in Heroku's schema.</summary>
    [GeneratedRegex("^[a-z][a-z0-9-]{1,28}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex AppName();
}
