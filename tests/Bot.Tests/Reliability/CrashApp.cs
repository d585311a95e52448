using System.Globalization;
using Bot.Processes;
using Bot.Tests.Support;

namespace Bot.Tests.Reliability;

/// <summary>
/// The shell app the crash test deploys, in a real git repository. Build and Deploy work in short slices and
/// print as they go; each starts a helper (<c>sleep 30</c>) that it stops itself when it ends normally. When the
/// bot dies mid-step, the step's next line has no reader, the step ends there and its helper stays behind,
/// as a compiler server or half-started app would: recovery has to stop it. Every process the steps start is
/// noted in <c>procs</c> as "pid start-ticks", and every run of a step in <c>runs</c>.
/// </summary>
public sealed class CrashApp
{
    private const string Lib = """
        note() { echo "$1 $(cut -d' ' -f22 "/proc/$1/stat")" >> "$SHARED_DIR/procs"; }
        work() {
          sleep 30 & helper=$!
          note $$; note $helper
          echo "$1 $DEPLOY_NUMBER${DEPLOY_RESTORE:+ restore}" >> "$SHARED_DIR/runs"
          i=0
          while [ $i -lt $2 ]; do echo "$1 $i" || exit 1; sleep 0.1; i=$((i + 1)); done
          kill $helper
        }

        """;

    private readonly string _dataDir;

    public CrashApp(TempDir dir)
    {
        _dataDir = dir["data"];
        Repo = new GitRepo(dir["web-repo"]);
        Repo.Commit("First version",
            ("lib.sh", Lib),
            ("build.sh", ". ./lib.sh\nwork build 5\n"),
            ("deploy.sh", ". ./lib.sh\nwork deploy 3\necho \"$RELEASE\" > \"$SHARED_DIR/live\"\n"),
            ("health.sh", ". ./lib.sh\nnote $$\nsleep 0.1\ntest \"$(cat \"$SHARED_DIR/live\")\" = \"$RELEASE\"\n"));
        Repo.Tag("v1");
        Repo.Commit("Second version", ("version.txt", "2"));
        Repo.Tag("v2");
        Refs = ["main", "v1", "v2", Repo.Head()[..10]];
    }

    public GitRepo Repo { get; }

    /// <summary>What <c>deploy web &lt;ref&gt;</c> may name: branch, tags and a short sha.</summary>
    public IReadOnlyList<string> Refs { get; }

    private string Shared => Path.Combine(_dataDir, "apps", "web", "production", "shared");

    public string Database => Path.Combine(_dataDir, "bot.db");

    /// <summary>The bot's environment, as a user would set it for <c>bot send</c>.</summary>
    public Dictionary<string, string?> Env() => new()
    {
        ["DATA_DIR"] = _dataDir,
        ["USER"] = "tester",
        ["Apps__web__Target"] = "shell",
        ["Apps__web__Repository"] = Repo.Path,
        ["Apps__web__Shell__Build"] = "sh build.sh",
        ["Apps__web__Shell__Deploy"] = "sh deploy.sh",
        ["Apps__web__Shell__Health"] = "sh health.sh",
        ["Apps__web__Shell__HealthTimeout"] = "5s",
    };

    /// <summary>Processes the steps started that still run (the same pid with the same start time).</summary>
    public List<int> LiveStepProcesses() =>
        Lines("procs").Select(l => l.Split(' ')).Where(p => p.Length == 2 && p[1].Length > 0)
            .Where(p => ChildProcess.StartTicks(int.Parse(p[0], CultureInfo.InvariantCulture))?.ToString(CultureInfo.InvariantCulture) == p[1])
            .Select(p => int.Parse(p[0], CultureInfo.InvariantCulture)).Distinct().ToList();

    /// <summary>
    /// Steps that ran more than once for the same deployment number ("build 3"). Putting a release back after a crash
    /// runs its Deploy again on purpose ("deploy 3 restore"), as often as a later deploy of it was interrupted.
    /// </summary>
    public List<string> StepsRunTwice() =>
        Lines("runs").Where(l => !l.EndsWith(" restore", StringComparison.Ordinal)).GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

    /// <summary>The release whose Deploy ran last (what serves, as far as this app is concerned); null before any.</summary>
    public string? Serving => Lines("live").LastOrDefault();

    /// <summary>Stops whatever the steps left running (when a check failed, or the test was cut short).</summary>
    public void KillLeftovers()
    {
        foreach (var pid in LiveStepProcesses())
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException) { /* gone meanwhile */ }
        }
    }

    private List<string> Lines(string file)
    {
        var path = Path.Combine(Shared, file);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }
}
