namespace Bot.Configuration;

/// <summary>One configured app with its environments. The first environment is the default.</summary>
public sealed record AppConfig(
    string Name,
    string Target,
    IReadOnlyList<string> Environments,
    IReadOnlyDictionary<string, AppEnvConfig> ByEnv)
{
    public string DefaultEnv => Environments[0];

    public AppEnvConfig For(string env) => ByEnv[env];

    public AppEnvConfig Default => ByEnv[DefaultEnv];

    public bool HasEnv(string env) => ByEnv.ContainsKey(env);
}
