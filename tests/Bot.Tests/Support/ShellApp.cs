namespace Bot.Tests.Support;

/// <summary>
/// A small app for the shell target in a real git repository: <c>deploy.sh</c> marks its release as
/// live in <c>$SHARED_DIR/live</c>, <c>health.sh</c> checks that mark (and fails when the commit has a
/// <c>BREAK</c> file). No ports, so tests can run side by side.
/// </summary>
public sealed class ShellApp
{
    public const string Build = "echo \"building $RELEASE\"\necho \"sha=$DEPLOY_SHA ref=$DEPLOY_REF port=$PORT env=$DEPLOY_ENV\" > build-info.txt\n";
    public const string Deploy = "echo \"$RELEASE\" > \"$SHARED_DIR/live\"\nenv > \"$SHARED_DIR/env.txt\"\necho \"deployed $RELEASE\"\n";
    public const string Health = "test \"$(cat \"$SHARED_DIR/live\")\" = \"$RELEASE\" && test ! -f BREAK\n";

    public ShellApp(TempDir dir, string name = "web")
    {
        Name = name;
        Repo = new GitRepo(dir[$"{name}-repo"]);
        V1 = Repo.Commit("First version", ("build.sh", Build), ("deploy.sh", Deploy), ("health.sh", Health), ("version.txt", "1"));
        Repo.Tag("v1");
        V2 = Repo.Commit("Second version", ("version.txt", "2"));
    }

    public string Name { get; }
    public GitRepo Repo { get; }
    public string V1 { get; }
    public string V2 { get; }

    public Dictionary<string, string?> Config(params (string Key, string Value)[] extra)
    {
        var p = $"Apps:{Name}:";
        var config = new Dictionary<string, string?>
        {
            [p + "Target"] = "shell",
            [p + "Repository"] = Repo.Path,
            [p + "Shell:Build"] = "sh build.sh",
            [p + "Shell:Deploy"] = "sh deploy.sh",
            [p + "Shell:Health"] = "sh health.sh",
            [p + "Shell:Port"] = "9999",
            [p + "Shell:HealthTimeout"] = "2s",
            [p + "Shell:Logs"] = "tail -n {lines} \"$SHARED_DIR/app.log\"",
            [p + "Url"] = "http://127.0.0.1:9999/",
        };
        foreach (var (k, v) in extra) config[p + k] = v;
        return config;
    }

    public static string Live(TestBot bot, string app = "web", string env = "production") =>
        File.ReadAllText(Path.Combine(bot.DataDir, "apps", app, env, "shared", "live")).Trim();

    public static string Shared(TestBot bot, string file, string app = "web", string env = "production") =>
        Path.Combine(bot.DataDir, "apps", app, env, "shared", file);
}
