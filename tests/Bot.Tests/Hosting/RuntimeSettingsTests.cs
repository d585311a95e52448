using System.Text.Json.Nodes;

namespace Bot.Tests.Hosting;

/// <summary>The runtime settings the bot is built with (the same properties go into the Native AOT binary).</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_bot_runs_workstation_GC()
    {
        // The Web SDK turns server GC on unless the project says otherwise: a heap (and a young generation) per core,
        // which on the small hosts the bot runs on costs memory for nothing.
        var path = Path.Combine(Path.GetDirectoryName(typeof(Bot.Configuration.AppCatalog).Assembly.Location)!, "bot.runtimeconfig.json");
        var settings = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;
        Assert.False(settings["System.GC.Server"]!.GetValue<bool>());
    }
}
