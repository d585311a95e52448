using System.Text.RegularExpressions;
using Bot.Tests.Support;

namespace Bot.Tests.Architecture;

/// <summary>
/// The arrows of DESIGN.md's flow, read from the <c>using</c> lines of <c>src/Bot</c>: each folder may use only the
/// folders below it, and every folder may use the leaf toolkits, which use none of the folders above them.
/// </summary>
public sealed partial class DependencyTests
{
    private static readonly string[] Leaves = ["Http", "Text", "Security", "Configuration", "Processes"];

    /// <summary>What each folder may use besides the leaves (and itself).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [""] = ["Hosting"],
        ["Hosting"] = ["Chat", "Alerts", "Web", "Commands", "Deployments", "Targets", "Sources"],
        ["Chat"] = ["Commands", "Deployments", "Targets", "Sources"],
        ["Alerts"] = ["Commands", "Deployments", "Targets", "Sources"],
        ["Web"] = ["Commands", "Deployments", "Targets", "Sources"],
        ["Commands"] = ["Deployments", "Targets", "Sources"],
        ["Deployments"] = ["Targets", "Sources"],
        ["Targets"] = ["Sources"],
        ["Sources"] = [],
        ["Http"] = [], ["Text"] = [], ["Security"] = [], ["Configuration"] = [], ["Processes"] = [],
    };

    [GeneratedRegex(@"^using (?:static )?Bot\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingBot();

    [GeneratedRegex(@"\bBot\.(Hosting|Chat|Alerts|Web|Commands|Deployments|Targets|Sources)\.")]
    private static partial Regex QualifiedBot();

    [Fact]
    public void Every_using_line_of_src_follows_the_flow()
    {
        var src = Path.Combine(RepoRoot.Path, "src", "Bot");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.True(files.Count > 50, $"found only {files.Count} source files under {src}");
        var against = new List<string>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(src, file);
            var folder = relative.Contains(Path.DirectorySeparatorChar) ? relative.Split(Path.DirectorySeparatorChar)[0] : "";
            Assert.True(Allowed.ContainsKey(folder), $"{relative}: folder '{folder}' is not in the flow; add it to DESIGN.md and this test");
            var text = File.ReadAllText(file);
            var used = UsingBot().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(QualifiedBot().Matches(text).Select(m => m.Groups[1].Value)).Distinct();
            foreach (var target in used)
                if (target != folder && !Leaves.Contains(target) && !Allowed[folder].Contains(target))
                    against.Add($"{relative} uses {target}");
        }
        Assert.True(against.Count == 0, "Edges against the flow:\n" + string.Join('\n', against));
    }
}
