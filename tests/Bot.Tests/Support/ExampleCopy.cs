using System.Text.Json.Nodes;

namespace Bot.Tests.Support;

/// <summary>
/// A copy of <c>examples/</c> in a test's folder, so the test creates the example's repository the way a first run does:
/// the example app's files and <c>bot.json</c> pointing at the copy and at a free port, changed further by <c>more</c>.
/// </summary>
public static class ExampleCopy
{
    /// <summary>Writes the copy under <paramref name="dir"/> and its config as <c>bot.json</c> there; returns the config's path.</summary>
    public static string Write(TempDir dir, int port, Action<JsonNode>? more = null)
    {
        var source = Path.Combine(RepoRoot.Path, "examples", "example-app");
        var copy = Directory.CreateDirectory(dir["example-app"]).FullName;
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "examples", "bot.json")))!;
        var app = config["Apps"]!["example"]!;
        app["Repository"] = copy;
        app["Url"] = $"http://127.0.0.1:{port}/";
        app["Shell"]!["Port"] = port;
        more?.Invoke(app);
        File.WriteAllText(dir["bot.json"], config.ToJsonString());
        return dir["bot.json"];
    }
}
