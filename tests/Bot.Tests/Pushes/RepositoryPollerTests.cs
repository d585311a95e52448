using Bot.Deployments;
using Bot.Deployments.Pushes;
using Bot.Sources;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Pushes;

/// <summary>
/// Polling a repository that sends no webhooks (<c>AutoDeploy: { Branch, Poll }</c>), one look at a time on the rig's clock,
/// against a real repository: the first look only notes where the branch is, a move deploys, a rewritten history says so,
/// a missing branch or an unreachable repository changes nothing (and the latter is said once), and the note outlives the
/// process that wrote it.
/// </summary>
public sealed class RepositoryPollerTests
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private static Task<PushRig> StartAsync() => PushRig.StartAsync(new()
    {
        ["Apps:web:AutoDeploy"] = null,
        ["Apps:web:AutoDeploy:Branch"] = "main",
        ["Apps:web:AutoDeploy:Poll"] = "5s",
    });

    /// <summary>A poller as a process of its own would have it: nothing in memory, its own identity, its log kept.</summary>
    private static (RepositoryPoller Poller, ListLogger<RepositoryPoller> Log) Poller(PushRig rig, int pid = 0, IPushSink? sink = null)
    {
        var log = new ListLogger<RepositoryPoller>();
        var identity = pid == 0 ? rig.Bot.Services.GetRequiredService<WorkerIdentity>() : new WorkerIdentity(pid);
        return (ActivatorUtilities.CreateInstance<RepositoryPoller>(rig.Bot.Services, log, identity, sink ?? rig.Sink), log);
    }

    /// <summary>A store that is briefly unreachable when the poll hands a push over: the first hand-over fails.</summary>
    private sealed class FailingOnce(IPushSink inner) : IPushSink
    {
        public int Failed { get; private set; }

        public Task<bool> FirstDeliveryAsync(string source, string deliveryId, CancellationToken cancellationToken) => inner.FirstDeliveryAsync(source, deliveryId, cancellationToken);

        public Task PushedAsync(Push push, CancellationToken cancellationToken) =>
            Failed++ == 0 ? throw new TimeoutException("the store did not answer") : inner.PushedAsync(push, cancellationToken);

        public Task ChecksChangedAsync(string repository, string sha, CancellationToken cancellationToken) => inner.ChecksChangedAsync(repository, sha, cancellationToken);
    }

    /// <summary>The next interval: the clock moves on and the poller looks.</summary>
    private static async Task<int> NextLookAsync(PushRig rig, RepositoryPoller poller)
    {
        rig.Time.Advance(Every);
        return await poller.LookAsync(default);
    }

    private static Task<string?> NoteAsync(PushRig rig) => rig.Bot.Store.GetNoteAsync("polled", $"{rig.Repo.Path}#main", default);

    [Fact]
    public async Task The_first_look_notes_where_the_branch_is_and_deploys_nothing()
    {
        await using var rig = await StartAsync();
        var head = rig.Repo.Commit("before the bot looked");
        var (poller, log) = Poller(rig);

        Assert.Equal(1, await poller.LookAsync(default));
        Assert.Equal(head, await NoteAsync(rig));
        Assert.Empty(await rig.AllAsync());
        Assert.Equal(0, await poller.LookAsync(default));
        Assert.Equal($"Polling {rig.Repo.Path}: main is at {head[..7]}; a new commit there will deploy", Assert.Single(log.Lines).Text);
    }

    [Fact]
    public async Task A_move_deploys_the_new_head_saying_it_was_seen_by_polling_and_whose_commit_it_is()
    {
        await using var rig = await StartAsync();
        var (poller, _) = Poller(rig);
        await poller.LookAsync(default);
        var before = rig.Repo.Head();
        var head = rig.Repo.Commit("Add search");

        Assert.Equal(1, await NextLookAsync(rig, poller));
        var waiting = Assert.Single(await rig.Bot.Store.WaitingAsync(10, default));
        Assert.Equal((head, "main", "poll", "git:Test", "Test", "test", "C9"),
            (waiting.Sha, waiting.Ref, waiting.Via, waiting.Origin.QualifiedUser, waiting.Origin.UserName, waiting.Origin.Platform, waiting.Origin.Conversation));
        await rig.LookAsync();
        var done = await rig.Bot.WaitFinishedAsync(waiting.Id);
        Assert.Equal((DeploymentState.Succeeded, head), (done.State, rig.Bot.Fake.Deploys[^1].Commit!.Sha));
        Assert.Contains($"main moved to {head[..7]}, seen by polling the repository; its newest commit is by Test. " +
            $"Compare: https://github.com/acme/web/compare/{before[..12]}...{head[..12]}", await rig.LinesAsync(done.Id));
        Assert.Contains("Test (push)", rig.Bot.Chat.Cards.Last(c => c.Card.Deployment.Id == done.Id).Card.Summary, StringComparison.Ordinal);

        Assert.Equal(1, await NextLookAsync(rig, poller));
        Assert.Single(await rig.AllAsync());
    }

    [Fact]
    public async Task A_move_whose_hand_over_failed_is_handed_over_at_the_next_look()
    {
        await using var rig = await StartAsync();
        var sink = new FailingOnce(rig.Sink);
        var (poller, log) = Poller(rig, sink: sink);
        await poller.LookAsync(default);
        var before = rig.Repo.Head();
        var head = rig.Repo.Commit("change");

        await NextLookAsync(rig, poller);
        Assert.Equal(before, await NoteAsync(rig));
        Assert.Contains("failed: the store did not answer", Assert.Single(log.Lines, l => l.Level == LogLevel.Warning).Text, StringComparison.Ordinal);
        await NextLookAsync(rig, poller);
        Assert.Equal(head, Assert.Single(await rig.AllAsync()).Sha);
        Assert.Equal(head, await NoteAsync(rig));
    }

    [Fact]
    public async Task A_process_whose_look_fails_lets_go_of_its_turn_so_another_process_polls_at_once()
    {
        await using var rig = await StartAsync();
        var (failing, _) = Poller(rig, sink: new FailingOnce(rig.Sink));
        var (other, _) = Poller(rig, pid: 999_999);
        await failing.LookAsync(default);
        Assert.Equal(0, await other.LookAsync(default));
        var head = rig.Repo.Commit("change");

        await NextLookAsync(rig, failing);
        Assert.Equal(1, await other.LookAsync(default));
        Assert.Equal(head, Assert.Single(await rig.AllAsync()).Sha);
        Assert.Contains(":999999:", await rig.Bot.Store.GetNoteAsync("poll-turn", $"{rig.Repo.Path}#main", default), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewritten_history_deploys_as_a_force_push()
    {
        await using var rig = await StartAsync();
        var (poller, _) = Poller(rig);
        await poller.LookAsync(default);
        var bad = rig.Repo.Commit("bad");
        await NextLookAsync(rig, poller);
        await rig.LookAsync();
        Assert.Equal(bad, (await rig.Bot.WaitFinishedAsync((await rig.AllAsync())[0].Id)).Sha);

        rig.Repo.Git("reset", "-q", "--hard", "HEAD~1");
        var rewritten = rig.Repo.Commit("rewritten");
        await NextLookAsync(rig, poller);
        await rig.LookAsync();
        var forced = await rig.Bot.WaitFinishedAsync((await rig.AllAsync())[^1].Id);
        Assert.Equal((DeploymentState.Succeeded, rewritten), (forced.State, forced.Sha));
        Assert.Contains(await rig.LinesAsync(forced.Id), l => l.StartsWith($"main moved to {rewritten[..7]} (a force push), seen by polling", StringComparison.Ordinal));
        Assert.DoesNotContain(await rig.LinesAsync((await rig.AllAsync())[0].Id), l => l.Contains("force", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_branch_that_disappears_changes_nothing_and_one_that_comes_back_where_it_was_neither()
    {
        await using var rig = await StartAsync();
        var (poller, log) = Poller(rig);
        await poller.LookAsync(default);
        var head = rig.Repo.Head();

        rig.Repo.Branch("elsewhere");
        rig.Repo.Git("branch", "-q", "-D", "main");
        Assert.Equal(1, await NextLookAsync(rig, poller));
        Assert.Equal(head, await NoteAsync(rig));
        rig.Repo.Git("branch", "-q", "main", head);
        Assert.Equal(1, await NextLookAsync(rig, poller));

        Assert.Empty(await rig.AllAsync());
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task An_unreachable_repository_is_logged_once_and_once_more_when_it_answers_again()
    {
        await using var rig = await StartAsync();
        var (poller, log) = Poller(rig);
        await poller.LookAsync(default);
        var away = rig.Repo.Path + "-away";
        Directory.Move(rig.Repo.Path, away);
        for (var i = 0; i < 3; i++) Assert.Equal(1, await NextLookAsync(rig, poller));
        var failed = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning).Text;
        Assert.StartsWith($"Polling {rig.Repo.Path} (main) failed: I could not read web's repository", failed, StringComparison.Ordinal);

        Directory.Move(away, rig.Repo.Path);
        var head = rig.Repo.Commit("while it was away");
        for (var i = 0; i < 2; i++) await NextLookAsync(rig, poller);
        Assert.Equal(1, log.Lines.Count(l => l.Text == $"Polling {rig.Repo.Path} (main) works again"));
        Assert.Equal(head, Assert.Single(await rig.AllAsync()).Sha);
    }

    [Fact]
    public async Task A_move_made_while_the_bot_was_down_is_found_by_the_next_process_from_the_note_in_the_store()
    {
        await using var rig = await StartAsync();
        var (before, _) = Poller(rig);
        await before.LookAsync(default);

        // Down for a minute (long past its turn's lease); someone pushes meanwhile. A new process starts with nothing in memory.
        var head = rig.Repo.Commit("pushed while the bot was down");
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        var (after, log) = Poller(rig, pid: 999_999);
        Assert.Equal(1, await after.LookAsync(default));

        var waiting = Assert.Single(await rig.Bot.Store.WaitingAsync(10, default));
        Assert.Equal((head, "poll"), (waiting.Sha, waiting.Via));
        Assert.Equal(head, await NoteAsync(rig));
        Assert.Empty(log.Lines);
    }

    [Fact]
    public async Task The_first_look_deploys_at_once_when_the_environment_serves_an_older_commit_of_the_branch()
    {
        await using var rig = await StartAsync();
        var live = await rig.Bot.DeployAsync("deploy web main");
        var head = rig.Repo.Commit("pushed before polling began");
        var (poller, _) = Poller(rig);

        await poller.LookAsync(default);
        var waiting = Assert.Single(await rig.Bot.Store.WaitingAsync(10, default));
        Assert.Equal(head, waiting.Sha);
        Assert.NotEqual(live.Sha, head);
    }
}
