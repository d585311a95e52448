using Bot.Configuration;

namespace Bot.Commands;

/// <summary>
/// <c>help deploy</c> shows examples with the apps and environments this bot has (<c>deploy example</c>), not the
/// made-up ones of <see cref="Verbs"/> (<c>web</c>, <c>api</c>, <c>staging</c>), so each can be typed as shown.
/// </summary>
public static class HelpExamples
{
    private static readonly string[] MadeUpApps = ["web", "api"];
    private static readonly string[] EnvWords = ["to", "in"];

    public static IReadOnlyList<string> For(VerbInfo verb, AppCatalog apps)
    {
        if (apps.All.Count == 0) return verb.Examples;
        var app = apps.Find(apps.Names.First())!;
        var shown = new List<string>();
        foreach (var example in verb.Examples)
        {
            var words = example.Split(' ');
            if (verb.Name == "promote" && words.Contains("to"))
            {
                // From another environment to the default one (staging to production), where some app has two.
                if (apps.All.FirstOrDefault(a => a.Environments.Count > 1) is { } two)
                    shown.Add($"promote {two.Name} {two.Environments[1]} to {two.DefaultEnv}");
                continue;
            }
            var usable = true;
            for (var i = 0; i < words.Length; i++)
            {
                if (MadeUpApps.Contains(words[i])) words[i] = app.Name;
                else if (i > 0 && EnvWords.Contains(words[i - 1]) && words[i] is "staging" or "production")
                {
                    // Another environment than the default one, where the app has it.
                    if (app.Environments.Count > 1) words[i] = app.Environments[1];
                    else usable = false;
                }
            }
            if (usable) shown.Add(string.Join(' ', words));
        }
        return shown.Distinct(StringComparer.Ordinal).ToList();
    }
}
