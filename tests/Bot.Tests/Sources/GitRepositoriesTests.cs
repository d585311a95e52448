using Bot.Configuration;
using Bot.Sources;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Sources;

public sealed class GitRepositoriesTests : IDisposable
{
    private readonly TempDir _dir = new("git");
    private readonly GitRepo _repo;
    private readonly GitRepositories _git;

    public GitRepositoriesTests()
    {
        _repo = new GitRepo(_dir["origin"]);
        _git = new GitRepositories(new BotOptions(_dir["data"], new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System, NullLogger<GitRepositories>.Instance);
    }

    private static AppEnvConfig App(string repository, string? defaultBranch = null) =>
        new("web", "production", "shell", repository, defaultBranch, [], [], [], [], null, new ConfigurationBuilder().Build(), "Apps:web");

    [Fact]
    public async Task A_repository_that_cannot_be_fetched_is_explained_in_gits_own_words_on_one_line()
    {
        var missing = _dir["no-such-repo"];
        var e = await Assert.ThrowsAsync<SourceException>(() => _git.ResolveAsync(App(missing), "main", TimeSpan.Zero, default));
        Assert.Equal($"I could not fetch web's repository: '{missing}' does not appear to be a git repository", e.Message);
        Assert.Equal($"'{missing}' does not appear to be a git repository", await _git.ProbeAsync(App(missing), default));
        _repo.Commit("First", ("a.txt", "1"));
        Assert.Null(await _git.ProbeAsync(App(_repo.Path), default));
    }

    [Fact]
    public async Task Resolves_branches_tags_annotated_tags_and_shas_with_their_subject()
    {
        var first = _repo.Commit("First", ("a.txt", "1"));
        _repo.Tag("v1");
        var second = _repo.Commit("Second: fix the login page", ("a.txt", "2"));
        _repo.Tag("v2", annotated: true);
        var app = App(_repo.Path);

        Assert.Equal(new ResolvedCommit("main", second, "Second: fix the login page"), (await _git.ResolveAsync(app, "main", TimeSpan.Zero, default)).Commit);
        Assert.Equal(first, (await _git.ResolveAsync(app, "v1", TimeSpan.Zero, default)).Commit!.Sha);
        Assert.Equal(second, (await _git.ResolveAsync(app, "v2", TimeSpan.Zero, default)).Commit!.Sha);
        var bySha = (await _git.ResolveAsync(app, first[..7], TimeSpan.Zero, default)).Commit!;
        Assert.Equal((first, first[..7]), (bySha.Sha, bySha.Label));
    }

    [Fact]
    public async Task Without_a_ref_uses_the_configured_default_branch_or_the_remote_head()
    {
        _repo.Commit("On main", ("a.txt", "1"));
        _repo.Branch("develop");
        var develop = _repo.Commit("On develop", ("a.txt", "2"));
        _repo.Checkout("main");
        Assert.Equal("main", (await _git.ResolveAsync(App(_repo.Path), null, TimeSpan.Zero, default)).Commit!.Ref);
        var other = new GitRepositories(new BotOptions(_dir["data2"], new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System, NullLogger<GitRepositories>.Instance);
        Assert.Equal(develop, (await other.ResolveAsync(App(_repo.Path, "develop"), null, TimeSpan.Zero, default)).Commit!.Sha);
    }

    [Fact]
    public async Task An_unknown_ref_comes_back_with_the_closest_names()
    {
        _repo.Commit("First", ("a.txt", "1"));
        _repo.Branch("release-2026", checkout: false);
        var result = await _git.ResolveAsync(App(_repo.Path), "relase-2026", TimeSpan.Zero, default);
        Assert.Null(result.Commit);
        Assert.Equal(["release-2026"], result.Closest);
        Assert.Contains("`relase-2026`", result.Error);
    }

    [Fact]
    public async Task Sees_a_branch_that_moved_when_asked_for_a_fresh_answer()
    {
        _repo.Commit("First", ("a.txt", "1"));
        var app = App(_repo.Path);
        await _git.ResolveAsync(app, "main", TimeSpan.Zero, default);
        var moved = _repo.Commit("Second", ("a.txt", "2"));
        Assert.Equal(moved, (await _git.ResolveAsync(app, "main", TimeSpan.Zero, default)).Commit!.Sha);
    }

    [Fact]
    public async Task Fetches_again_for_a_branch_it_has_not_seen_even_when_fresh()
    {
        _repo.Commit("First", ("a.txt", "1"));
        var app = App(_repo.Path);
        await _git.ResolveAsync(app, "main", TimeSpan.FromHours(1), default);
        _repo.Branch("hotfix");
        var hotfix = _repo.Commit("Hotfix", ("a.txt", "3"));
        Assert.Equal(hotfix, (await _git.ResolveAsync(app, "hotfix", TimeSpan.FromHours(1), default)).Commit!.Sha);
    }

    [Fact]
    public async Task Reads_file_urls_and_extracts_a_snapshot_with_file_modes()
    {
        _repo.Commit("First", ("run.sh", "echo hi\n"), ("sub/data.txt", "x"));
        var app = App("file://" + _repo.Path);
        var commit = (await _git.ResolveAsync(app, "main", TimeSpan.Zero, default)).Commit!;
        var target = _dir["checkout"];
        await _git.Snapshot(app, commit).ExtractToAsync(target, default);
        Assert.Equal("x", File.ReadAllText(Path.Combine(target, "sub", "data.txt")));
        Assert.True(File.GetUnixFileMode(Path.Combine(target, "run.sh")).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public async Task An_unreachable_repository_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<SourceException>(() => _git.ResolveAsync(App(_dir["nowhere"]), "main", TimeSpan.Zero, default));
        Assert.StartsWith("I could not fetch web's repository", e.Message);
        Assert.Contains("Repository", e.Hint);
    }

    [Fact]
    public async Task Finds_the_parent_of_a_commit()
    {
        var first = _repo.Commit("First", ("a.txt", "1"));
        var second = _repo.Commit("Second", ("a.txt", "2"));
        var app = App(_repo.Path);
        await _git.ResolveAsync(app, "main", TimeSpan.Zero, default);
        Assert.Equal(first, (await _git.ParentAsync(app, second, default))!.Sha);
        Assert.Null(await _git.ParentAsync(app, first, default));
    }

    [Fact]
    public async Task The_remote_head_comes_from_a_new_clone_and_later_from_the_source_as_it_moves()
    {
        _repo.Commit("On main", ("a.txt", "1"));
        _repo.Branch("develop");
        var develop = _repo.Commit("On develop", ("a.txt", "2"));
        Assert.Equal(("develop", develop), Pair((await _git.ResolveAsync(App(_repo.Path), null, TimeSpan.Zero, default)).Commit!));

        _repo.Checkout("main");
        var restarted = new GitRepositories(new BotOptions(_dir["data"], new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System, NullLogger<GitRepositories>.Instance);
        Assert.Equal(("main", _repo.Head()), Pair((await restarted.ResolveAsync(App(_repo.Path), null, TimeSpan.Zero, default)).Commit!));
        static (string, string) Pair(ResolvedCommit c) => (c.Ref, c.Sha);
    }

    [Fact]
    public async Task Warming_fetches_once_so_a_command_soon_after_needs_no_fetch_of_its_own()
    {
        var first = _repo.Commit("First", ("a.txt", "1"));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var git = new GitRepositories(new BotOptions(_dir["warm"], new Dictionary<string, IReadOnlyList<string>>(), []), time, NullLogger<GitRepositories>.Instance);
        await git.WarmAsync([App(_repo.Path)], default);
        Directory.Move(_repo.Path, _dir["moved-away"]);

        Assert.Equal(new ResolvedCommit("main", first, "First"), (await git.ResolveAsync(App(_repo.Path), null, TimeSpan.FromSeconds(10), default)).Commit);
        time.Advance(TimeSpan.FromSeconds(11));
        await Assert.ThrowsAsync<SourceException>(() => git.ResolveAsync(App(_repo.Path), null, TimeSpan.FromSeconds(10), default));
    }

    [Fact]
    public async Task Warming_a_repository_that_is_not_there_is_quiet_and_the_command_says_why()
    {
        var logger = new ListLogger<GitRepositories>();
        var git = new GitRepositories(new BotOptions(_dir["warm"], new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System, logger);
        await git.WarmAsync([App(_dir["nowhere"])], default);
        Assert.Empty(logger.Lines);
        var e = await Assert.ThrowsAsync<SourceException>(() => git.ResolveAsync(App(_dir["nowhere"]), "main", TimeSpan.Zero, default));
        Assert.StartsWith("I could not fetch web's repository", e.Message);
        Assert.Single(logger.Lines);
    }

    public void Dispose() => _dir.Dispose();
}
