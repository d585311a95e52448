using System.Text.RegularExpressions;
using Bot.Tests.Support;

namespace Bot.Tests.Architecture;

/// <summary>
/// The arrows of DESIGN.md's flow, read from the <c>using</c> lines and qualified names of <c>src/Bot</c>: each folder may
/// use only the folders below it, and every folder may use the leaf toolkits, which use none of the folders above them.
/// </summary>
public sealed partial class DependencyTests
{
    private static readonly string[] Leaves = ["Http", "Text", "Security", "Configuration", "Processes", "Telemetry"];

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
        ["Http"] = [], ["Text"] = [], ["Security"] = [], ["Configuration"] = [], ["Processes"] = [], ["Telemetry"] = [],
    };

    private static readonly string Src = Path.Combine(RepoRoot.Path, "src", "Bot");

    [GeneratedRegex(@"^using (?:static )?Bot\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingBot();

    [GeneratedRegex(@"\bBot\.(Hosting|Chat|Alerts|Web|Commands|Deployments|Targets|Sources)\.")]
    private static partial Regex QualifiedBot();

    /// <summary>
    /// A name that starts at a folder (<c>Deployments.JobWorker</c>, <c>Chat.Slack.SlackApi</c>): inside namespace
    /// <c>Bot.…</c> C# looks it up in <c>Bot</c> too, so it reaches that folder without a <c>using</c>.
    /// </summary>
    [GeneratedRegex(@"(?<![\w.:@])(Hosting|Chat|Alerts|Web|Commands|Deployments|Targets|Sources)\.(\w+)")]
    private static partial Regex RelativeToBot();

    [GeneratedRegex(@"^namespace (Bot(?:\.\w+)*)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^(?:(?:public|internal|static|sealed|abstract|partial|readonly|file)\s+)*(?:class|record|struct|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    private static List<string> SourceFiles() =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();

    /// <summary>
    /// What each namespace of <c>src/Bot</c> holds: its types and its child namespaces (<c>Bot.Deployments</c> →
    /// <c>JobWorker</c>, <c>Postgres</c>, …), so a property that happens to be called <c>Targets</c> is not a folder.
    /// </summary>
    private static readonly Lazy<Dictionary<string, HashSet<string>>> Known = new(() =>
    {
        var known = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> In(string ns) => known.TryGetValue(ns, out var names) ? names : known[ns] = new(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            if (Namespace().Match(text) is not { Success: true } m) continue;
            var ns = m.Groups[1].Value;
            foreach (Match type in TopLevelType().Matches(text)) In(ns).Add(type.Groups[1].Value);
            for (var dot = ns.LastIndexOf('.'); dot > 0; ns = ns[..dot], dot = ns.LastIndexOf('.'))
                In(ns[..dot]).Add(ns[(dot + 1)..]);
        }
        return known;
    });

    /// <summary>The folders of <c>src/Bot</c> a source file names: by <c>using</c>, fully qualified, or qualified from inside <c>Bot</c>.</summary>
    internal static IEnumerable<string> FoldersUsed(string text)
    {
        var used = UsingBot().Matches(text).Select(m => m.Groups[1].Value)
            .Concat(QualifiedBot().Matches(text).Select(m => m.Groups[1].Value));
        if (Namespace().IsMatch(text))
            used = used.Concat(RelativeToBot().Matches(text)
                .Where(m => Known.Value.TryGetValue($"Bot.{m.Groups[1].Value}", out var names) && names.Contains(m.Groups[2].Value))
                .Select(m => m.Groups[1].Value));
        return used.Distinct();
    }

    [Fact]
    public void Every_using_line_of_src_follows_the_flow()
    {
        var files = SourceFiles();
        Assert.True(files.Count > 50, $"found only {files.Count} source files under {Src}");
        var against = new List<string>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(Src, file);
            var folder = relative.Contains(Path.DirectorySeparatorChar) ? relative.Split(Path.DirectorySeparatorChar)[0] : "";
            Assert.True(Allowed.ContainsKey(folder), $"{relative}: folder '{folder}' is not in the flow; add it to DESIGN.md and this test");
            foreach (var target in FoldersUsed(File.ReadAllText(file)))
                if (target != folder && !Leaves.Contains(target) && !Allowed[folder].Contains(target))
                    against.Add($"{relative} uses {target}");
        }
        Assert.True(against.Count == 0, "Edges against the flow:\n" + string.Join('\n', against));
    }

    [Fact]
    public void A_name_qualified_from_inside_Bot_is_caught()
    {
        const string source = """
            namespace Bot.Commands;

            public sealed class Sneaky(Chat.Slack.SlackApi slack)
            {
                public Deployments.Postgres.PostgresJobListener? Listener { get; init; }

                public Hosting.BotRole Role => Hosting.BotRole.Tool;
            }
            """;
        Assert.Equal(new[] { "Chat", "Deployments", "Hosting" }, FoldersUsed(source).Order());
    }

    [Fact]
    public void What_only_looks_like_a_folder_is_not_caught()
    {
        const string source = """
            using Microsoft.Extensions.Hosting;

            namespace Bot.Commands;

            /// <summary>Sent to Chat. Deployments run later.</summary>
            public sealed class Innocent(Microsoft.Extensions.Hosting.IHost host, BotRoleLike role)
            {
                public bool Talks => role.Chat;

                public int Count => Targets.Count;

                private List<string> Targets { get; } = [];
            }
            """;
        Assert.Empty(FoldersUsed(source));
    }
}
