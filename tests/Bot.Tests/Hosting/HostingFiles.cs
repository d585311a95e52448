using System.Text.RegularExpressions;
using Bot.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Bot.Tests.Hosting;

/// <summary>Reads the hosting files at the repository root and in deploy/: the commands they run and the environment they set.</summary>
public static partial class HostingFiles
{
    public static string Read(string relative) => File.ReadAllText(Path.Combine(RepoRoot.Path, relative));

    public static YamlMappingNode Yaml(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(Read(relative));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var next)
                ? next : throw new KeyNotFoundException($"no '{key}' in {string.Join('.', path)}");
        return node;
    }

    public static string Text(this YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    public static IEnumerable<string> Texts(this YamlNode node) => ((YamlSequenceNode)node).Children.Select(Text);

    /// <summary>Every command line that starts the bot, with the file it is in: "heroku.yml: /app/bot migrate".</summary>
    public static IEnumerable<(string File, string[] Args)> BotCommands()
    {
        var heroku = Yaml("heroku.yml");
        foreach (var run in ((YamlMappingNode)heroku.At("run")).Children.Values)
            yield return ("heroku.yml run", AfterBot(run.Text()));
        foreach (var release in heroku.At("release", "command").Texts())
            yield return ("heroku.yml release", AfterBot(release));

        var docker = Read("Dockerfile");
        yield return ("Dockerfile CMD", AfterBot(string.Join(' ', JsonArray(Line(docker, "CMD ")))));
        yield return ("Dockerfile HEALTHCHECK", JsonArray(Line(docker, "HEALTHCHECK ")).SkipWhile(a => !a.EndsWith("/bot", StringComparison.Ordinal)).Skip(1).ToArray());

        yield return ("compose.yaml", AfterBot(string.Join(' ', Yaml("deploy/compose.yaml").At("services", "bot", "command").Texts())));
        var bot = Containers(Yaml("deploy/cloudrun/service.yaml")).Single(c => c.At("name").Text() == "bot");
        yield return ("cloudrun/service.yaml", AfterBot(string.Join(' ', bot.At("command").Texts().Concat(bot.At("args").Texts()))));

        foreach (Match m in BootstrapBot().Matches(Read("deploy/aws-lambda/bootstrap")))
            yield return ("aws-lambda/bootstrap", m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (Match m in ReadmeBot().Matches(Read("README.md")))
            yield return ("README.md", m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    public static IEnumerable<YamlNode> Containers(YamlMappingNode service) =>
        ((YamlSequenceNode)service.At("spec", "template", "spec", "containers")).Children;

    /// <summary>Every environment variable the files set for the bot, with where.</summary>
    public static IEnumerable<(string File, string Name)> EnvironmentNames()
    {
        foreach (Match m in DockerEnv().Matches(Read("Dockerfile")))
            yield return ("Dockerfile", m.Groups[1].Value);

        var bot = Containers(Yaml("deploy/cloudrun/service.yaml")).Single(c => c.At("name").Text() == "bot");
        foreach (var env in ((YamlSequenceNode)bot.At("env")).Children)
            yield return ("cloudrun/service.yaml", env.At("name").Text());

        var template = Yaml("deploy/aws-lambda/template.yaml");
        foreach (var name in Keys(template.At("Globals", "Function", "Environment", "Variables")))
            yield return ("aws-lambda/template.yaml Globals", name);
        foreach (var (id, resource) in ((YamlMappingNode)template.At("Resources")).Children)
            if (resource.At("Type").Text() == "AWS::Serverless::Function"
                && ((YamlMappingNode)resource.At("Properties")).Children.ContainsKey(new YamlScalarNode("Environment")))
                foreach (var name in Keys(resource.At("Properties", "Environment", "Variables")))
                    yield return ($"aws-lambda/template.yaml {id.Text()}", name);

        foreach (var name in Keys(Yaml("deploy/compose.yaml").At("services", "bot", "environment")))
            yield return ("compose.yaml", name);
        foreach (var line in Read("deploy/bot.env.example").Split('\n').Where(l => l.Contains('=') && !l.StartsWith('#')))
            yield return ("bot.env.example", line[..line.IndexOf('=')]);
        foreach (Match m in ConfigSet().Matches(Read("README.md")))
            foreach (Match pair in Assignment().Matches(m.Value))
                yield return ("README.md heroku config:set", pair.Groups[1].Value);
    }

    /// <summary>The upper-case string literals in the bot's source: the environment variable names it reads are among them.</summary>
    public static HashSet<string> NamesInSource() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "src", "Bot"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => UpperLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The value of the first line that starts with <paramref name="prefix"/> (backslash continuations joined).</summary>
    public static string Line(string text, string prefix)
    {
        var joined = text.Replace("\\\n", " ");
        return joined.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static string[] JsonArray(string line) =>
        System.Text.Json.Nodes.JsonNode.Parse(line[line.IndexOf('[')..(line.LastIndexOf(']') + 1)])!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    private static string[] AfterBot(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(words.Length > 0 && words[0].EndsWith("/bot", StringComparison.Ordinal), $"'{command}' does not start the bot");
        return words[1..];
    }

    private static IEnumerable<string> Keys(YamlNode mapping) => ((YamlMappingNode)mapping).Children.Keys.Select(Text);

    [GeneratedRegex(@"\./bot ([a-z][^\n;]*)")]
    private static partial Regex BootstrapBot();

    /// <summary>The command-line section's lines, "bot serve   # ...".</summary>
    [GeneratedRegex(@"(?m)^bot ([a-z][^#\n]*?)\s*#")]
    private static partial Regex ReadmeBot();

    [GeneratedRegex(@"(?m)(?:^ENV |^\s+)([A-Z][A-Z0-9_]*)=")]
    private static partial Regex DockerEnv();

    [GeneratedRegex(@"heroku config:set [^\n]+")]
    private static partial Regex ConfigSet();

    [GeneratedRegex(@"""?([A-Za-z][A-Za-z0-9_]*)=")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"""([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)""")]
    private static partial Regex UpperLiteral();
}
