using System.Collections.Concurrent;
using Bot.Text;
using System.Text;
using Bot.Configuration;
using Bot.Processes;
using Microsoft.Extensions.Logging;

namespace Bot.Sources;

/// <summary>
/// One cached bare clone per app under <c>DATA_DIR/repos</c>, fetched on demand: resolves refs to
/// commits, lists branch and tag names, and hands out <see cref="SourceSnapshot"/>s. Repositories are
/// local paths, <c>file://</c> URLs or https URLs (with <c>GITHUB_TOKEN</c> for private GitHub ones).
/// </summary>
public sealed class GitRepositories(BotOptions options, TimeProvider time, ILogger<GitRepositories> logger)
{
    private sealed class Cache
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public long FetchedAt;
        public Dictionary<string, string> Refs = new(StringComparer.Ordinal);
        public string? HeadBranch;
        public int Refreshing;
    }

    private readonly ConcurrentDictionary<string, Cache> _caches = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _subjects = new(StringComparer.Ordinal);

    public string GitDir(string app) => Path.Combine(options.DataDir, "repos", app + ".git");

    /// <summary>
    /// Resolves <paramref name="gitRef"/> (null: the app's default branch) to a commit. The clone is fetched
    /// first unless it was fetched less than <paramref name="maxAge"/> ago and already knows the ref. With
    /// <paramref name="staleOk"/> (answering a command), an older clone that knows the ref answers at once
    /// and one fetch refreshes it in the background; the deployment itself fetches again before it runs.
    /// </summary>
    public async Task<ResolveResult> ResolveAsync(AppEnvConfig app, string? gitRef, TimeSpan maxAge, CancellationToken cancellationToken, bool staleOk = false)
    {
        var cache = _caches.GetOrAdd(app.App, _ => new Cache());
        var fresh = cache.FetchedAt != 0 && time.GetElapsedTime(cache.FetchedAt) < maxAge;
        var known = cache.FetchedAt != 0 && (Find(cache, gitRef ?? app.DefaultBranch ?? cache.HeadBranch ?? "main") is not null || (gitRef is not null && LooksLikeSha(gitRef)));
        if (!fresh && staleOk && known)
            RefreshInBackground(app, cache);
        else if (!fresh || (gitRef is not null && Find(cache, gitRef) is null && !LooksLikeSha(gitRef)))
            await FetchAsync(app, cache, cancellationToken).ConfigureAwait(false);

        var name = gitRef ?? app.DefaultBranch ?? cache.HeadBranch ?? "main";
        var sha = Find(cache, name);
        if (sha is null && LooksLikeSha(name))
            sha = await RevParseAsync(app.App, name, cancellationToken).ConfigureAwait(false);
        if (sha is null)
        {
            var names = cache.Refs.Keys.Select(ShortName).Distinct().ToList();
            var closest = Suggest.Closest(name, names, 3);
            return new ResolveResult(null, $"No branch, tag or commit `{Tokens.Clip(name)}` in {app.App}'s repository.", closest);
        }
        var subject = await SubjectAsync(app.App, sha, cancellationToken).ConfigureAwait(false);
        return ResolveResult.Found(new ResolvedCommit(name, sha, subject));
    }

    /// <summary>
    /// Fetches each app's repository once, a few at a time (<see cref="WarmOrder"/>), so the first command finds its clone
    /// ready or waits only for the fetch already under way. Apps that share a repository ask its address once: the others
    /// clone the first one's copy. A repository that cannot be fetched is logged; its commands say why.
    /// </summary>
    public Task WarmAsync(IEnumerable<AppEnvConfig> apps, CancellationToken cancellationToken) =>
        WarmOrder.RunAsync(apps.DistinctBy(a => a.App, StringComparer.OrdinalIgnoreCase).ToList(),
            a => a.Repository is null ? null : RemoteUrl(a), (app, leader, ct) => WarmOneAsync(app, leader, ct), cancellationToken);

    private async Task WarmOneAsync(AppEnvConfig app, AppEnvConfig? leader, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return;
        var cache = _caches.GetOrAdd(app.App, _ => new Cache());
        if (cache.FetchedAt != 0) return;
        // A follower copies its leader's clone when that one worked and knows which branch is the default.
        string? from = null;
        if (leader is not null && _caches.TryGetValue(leader.App, out var led) && led.FetchedAt != 0 && (app.DefaultBranch is not null || led.HeadBranch is not null))
        {
            from = GitDir(leader.App);
            cache.HeadBranch ??= led.HeadBranch;
        }
        // Quietly: start-up already says which repositories are missing or unreachable, and a command says it again.
        try { await FetchAsync(app, cache, cancellationToken, quiet: true, from).ConfigureAwait(false); }
        catch (Exception e) when (e is SourceException or IOException or UnauthorizedAccessException) { /* the next command fetches again and tells */ }
        catch (OperationCanceledException) { /* stopping */ }
    }

    /// <summary>Whether a remote repository answers; null when it does, else git's reason in one line.</summary>
    public async Task<string?> ProbeAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        try
        {
            await ChildProcess.CaptureAsync(new ProcessSpec("git", ["ls-remote", "--heads", RemoteUrl(app)], null, GitEnvironment(), TimeSpan.FromSeconds(30)),
                cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ChildProcessException e)
        {
            return GitReason.Of(Redact(e.Stderr));
        }
    }

    /// <summary>The parent of a commit, for rolling back when no earlier release exists.</summary>
    public async Task<ResolvedCommit?> ParentAsync(AppEnvConfig app, string sha, CancellationToken cancellationToken)
    {
        var parent = await RevParseAsync(app.App, sha + "^", cancellationToken).ConfigureAwait(false);
        if (parent is null) return null;
        return new ResolvedCommit(parent[..7], parent, await SubjectAsync(app.App, parent, cancellationToken).ConfigureAwait(false));
    }

    public SourceSnapshot Snapshot(AppEnvConfig app, ResolvedCommit commit) => new(GitDir(app.App), commit);

    /// <summary>
    /// Where <paramref name="branch"/> points in the repository itself, asked with <c>git ls-remote</c> (no fetch): how a
    /// repository that cannot send webhooks is polled. Null when the branch does not exist there.
    /// </summary>
    public async Task<string?> RemoteHeadOfAsync(AppEnvConfig app, string branch, CancellationToken cancellationToken)
    {
        try
        {
            var output = await ChildProcess.CaptureAsync(new ProcessSpec("git", ["ls-remote", "--heads", RemoteUrl(app), "refs/heads/" + branch], null,
                GitEnvironment(), TimeSpan.FromSeconds(30)), cancellationToken).ConfigureAwait(false);
            var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.EndsWith("\trefs/heads/" + branch, StringComparison.Ordinal));
            return line?.Split('\t')[0];
        }
        catch (ChildProcessException e)
        {
            throw new SourceException($"I could not read {app.App}'s repository: {GitReason.Of(Redact(e.Stderr))}", "Check `Repository` in the config and that the bot can reach it.");
        }
    }

    /// <summary>
    /// Whether <paramref name="older"/> is <paramref name="newer"/> or one of its ancestors, fetching first when the clone
    /// lacks either (so a push is never deployed after a newer commit of its branch). False when either is unknown.
    /// </summary>
    public async Task<bool> ContainsAsync(AppEnvConfig app, string newer, string older, CancellationToken cancellationToken)
    {
        if (newer == older) return true;
        if (!await HasAsync(app, newer, cancellationToken).ConfigureAwait(false) || !await HasAsync(app, older, cancellationToken).ConfigureAwait(false)) return false;
        try
        {
            await GitAsync(GitDir(app.App), cancellationToken, "merge-base", "--is-ancestor", older, newer).ConfigureAwait(false);
            return true;
        }
        catch (ChildProcessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The commits <paramref name="to"/> brings that <paramref name="from"/> lacks (all of its history when
    /// <paramref name="from"/> is null or unknown): how many, and the newest <paramref name="max"/> with their subjects.
    /// </summary>
    public async Task<(int Count, IReadOnlyList<PushedCommit> Newest)> CommitsBetweenAsync(
        AppEnvConfig app, string? from, string to, int max, CancellationToken cancellationToken)
    {
        if (!await HasAsync(app, to, cancellationToken).ConfigureAwait(false)) return (0, []);
        var range = from is not null && await HasAsync(app, from, cancellationToken).ConfigureAwait(false) ? $"{from}..{to}" : to;
        var count = int.Parse((await GitAsync(GitDir(app.App), cancellationToken, "rev-list", "--count", range).ConfigureAwait(false)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var log = await GitAsync(GitDir(app.App), cancellationToken, "log", $"-{max}", "--format=%H %s", range).ConfigureAwait(false);
        var newest = log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2)).Select(p => new PushedCommit(p[0], p.Length > 1 ? p[1] : "")).ToList();
        return (count, newest);
    }

    /// <summary>
    /// When the oldest commit <paramref name="to"/> brings over <paramref name="from"/> was committed (git's committer
    /// date): Read false when either commit cannot be found, even after a fetch; Oldest null when it brings none.
    /// </summary>
    public async Task<(bool Read, DateTimeOffset? Oldest)> OldestCommitAsync(AppEnvConfig app, string from, string to, CancellationToken cancellationToken)
    {
        if (!await HasAsync(app, to, cancellationToken).ConfigureAwait(false) || !await HasAsync(app, from, cancellationToken).ConfigureAwait(false))
            return (false, null);
        var times = await GitAsync(GitDir(app.App), cancellationToken, "log", "--format=%ct", $"{from}..{to}").ConfigureAwait(false);
        var seconds = times.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => long.Parse(t.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return (true, seconds.Count == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds.Min()));
    }

    /// <summary>The author of a commit as git records it (who pushed is not known to a poll; who wrote the head is).</summary>
    public async Task<string?> AuthorOfAsync(AppEnvConfig app, string sha, CancellationToken cancellationToken) =>
        await HasAsync(app, sha, cancellationToken).ConfigureAwait(false)
            ? (await GitAsync(GitDir(app.App), cancellationToken, "log", "-1", "--format=%an", sha).ConfigureAwait(false)).Trim()
            : null;

    /// <summary>Whether the clone has the commit, after one fetch if it did not.</summary>
    private async Task<bool> HasAsync(AppEnvConfig app, string sha, CancellationToken cancellationToken)
    {
        if (await RevParseAsync(app.App, sha, cancellationToken).ConfigureAwait(false) is not null) return true;
        await FetchAsync(app, _caches.GetOrAdd(app.App, _ => new Cache()), cancellationToken).ConfigureAwait(false);
        return await RevParseAsync(app.App, sha, cancellationToken).ConfigureAwait(false) is not null;
    }

    private static string? Find(Cache cache, string name) =>
        cache.Refs.GetValueOrDefault("refs/heads/" + name) ?? cache.Refs.GetValueOrDefault("refs/tags/" + name)
        ?? (name.StartsWith("refs/", StringComparison.Ordinal) ? cache.Refs.GetValueOrDefault(name) : null);

    private static string ShortName(string fullRef) =>
        fullRef.StartsWith("refs/heads/", StringComparison.Ordinal) ? fullRef["refs/heads/".Length..]
        : fullRef.StartsWith("refs/tags/", StringComparison.Ordinal) ? fullRef["refs/tags/".Length..] : fullRef;

    private static bool LooksLikeSha(string s) => s.Length is >= 4 and <= 40 && s.All(char.IsAsciiHexDigit);

    private void RefreshInBackground(AppEnvConfig app, Cache cache)
    {
        if (Interlocked.Exchange(ref cache.Refreshing, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try { await FetchAsync(app, cache, CancellationToken.None).ConfigureAwait(false); }
            catch (SourceException) { /* logged by FetchAsync; the next command tries again */ }
            finally { Volatile.Write(ref cache.Refreshing, 0); }
        });
    }

    /// <summary>Fetches <paramref name="app"/>'s clone from its repository, or (<paramref name="from"/>) from another app's clone of the same one.</summary>
    private async Task FetchAsync(AppEnvConfig app, Cache cache, CancellationToken cancellationToken, bool quiet = false, string? from = null)
    {
        var asked = time.GetTimestamp();
        await cache.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Someone else fetched while this one waited: that answer is as fresh as asked for.
            if (cache.FetchedAt > asked) return;
            var dir = GitDir(app.App);
            var url = from ?? RemoteUrl(app);
            // The first clone of a repository on this machine is one process that links its objects instead of packing
            // and unpacking them, and its HEAD is the source's.
            var local = GitHead.LocalGitDir(url);
            var cloned = local is not null && !Directory.Exists(dir);
            if (cloned)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
                await GitAsync(null, cancellationToken, "clone", "--bare", "--quiet", url, dir).ConfigureAwait(false);
            }
            else
            {
                if (!Directory.Exists(Path.Combine(dir, "objects")))
                    await GitAsync(null, cancellationToken, "init", "--bare", "--quiet", dir).ConfigureAwait(false);
                await GitAsync(dir, cancellationToken, "fetch", "--prune", "--force", "--quiet", url,
                    "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*").ConfigureAwait(false);
            }
            if (app.DefaultBranch is null && cache.HeadBranch is null)
                cache.HeadBranch = GitHead.Read(cloned ? dir : local) ?? await RemoteHeadAsync(dir, url, cancellationToken).ConfigureAwait(false);

            var list = await GitAsync(dir, cancellationToken, "for-each-ref", "--format=%(objectname) %(*objectname) %(refname)", "refs/heads", "refs/tags").ConfigureAwait(false);
            var refs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                if (parts.Length < 3) continue;
                // Annotated tags name a tag object; the commit is the peeled object (second column).
                refs[parts[2]] = parts[1].Length > 0 ? parts[1] : parts[0];
            }
            cache.Refs = refs;
            cache.FetchedAt = time.GetTimestamp();
        }
        catch (ChildProcessException e)
        {
            if (!quiet) logger.LogWarning("Fetching {App} from its repository failed: {Error}", app.App, Redact(e.Stderr));
            throw new SourceException($"I could not fetch {app.App}'s repository: {GitReason.Of(Redact(e.Stderr))}", "Check `Repository` in the config and that the bot can reach it, then try again.");
        }
        finally
        {
            cache.Gate.Release();
        }
    }

    private async Task<string?> RemoteHeadAsync(string dir, string url, CancellationToken cancellationToken)
    {
        var output = await GitAsync(dir, cancellationToken, "ls-remote", "--symref", url, "HEAD").ConfigureAwait(false);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal));
        return line?["ref: refs/heads/".Length..].Split('\t')[0];
    }

    private async Task<string?> RevParseAsync(string app, string expression, CancellationToken cancellationToken)
    {
        try
        {
            var sha = (await GitAsync(GitDir(app), cancellationToken, "rev-parse", "--verify", "--quiet", expression + "^{commit}").ConfigureAwait(false)).Trim();
            return sha.Length == 40 ? sha : null;
        }
        catch (ChildProcessException)
        {
            return null;
        }
    }

    private async Task<string> SubjectAsync(string app, string sha, CancellationToken cancellationToken)
    {
        if (_subjects.TryGetValue(sha, out var cached)) return cached;
        var subject = (await GitAsync(GitDir(app), cancellationToken, "log", "-1", "--format=%s", sha).ConfigureAwait(false)).Trim();
        if (_subjects.Count > 10_000) _subjects.Clear();
        return _subjects[sha] = subject;
    }

    private static string RemoteUrl(AppEnvConfig app)
    {
        var repo = app.Repository ?? throw new SourceException($"{app.App} has no `Repository` configured.", $"Add `Apps:{app.App}:Repository` to the config.");
        if (repo.Contains("://", StringComparison.Ordinal) || repo.StartsWith("git@", StringComparison.Ordinal)) return repo;
        return Path.GetFullPath(repo);
    }

    private static async Task<string> GitAsync(string? gitDir, CancellationToken cancellationToken, params string[] args)
    {
        var all = gitDir is null ? args : ["--git-dir", gitDir, .. args];
        return await ChildProcess.CaptureAsync(new ProcessSpec("git", all, null, GitEnvironment(), TimeSpan.FromMinutes(5)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Never prompt; pass <c>GITHUB_TOKEN</c> as a header through the environment, not the command line.</summary>
    private static Dictionary<string, string?> GitEnvironment()
    {
        var env = new Dictionary<string, string?> { ["GIT_TERMINAL_PROMPT"] = "0", ["LC_ALL"] = "C", ["GIT_ASKPASS"] = "/bin/true" };
        if (Environment.GetEnvironmentVariable("GITHUB_TOKEN") is { Length: > 0 } token)
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token));
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.https://github.com/.extraheader";
            env["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + basic;
        }
        return env;
    }

    private static string Redact(string s) => Security.Redactor.Default.Redact(s);
}
