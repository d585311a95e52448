using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Bot.Tests.Deployments;

/// <summary>LISTEN/NOTIFY: work queued by one process wakes the workers of the others at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresListenerTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static NewDeployment New(string app) =>
        new(app, "production", DeploymentKind.Deploy, "main", null, null, new Origin("test", "C1", null, "alice", "alice"), null, false, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Queuing_in_one_process_wakes_the_listener_of_another()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        await using var here = PostgresDeploymentStore.FromUrl(url);
        await using var there = PostgresDeploymentStore.FromUrl(url);
        await here.MigrateAsync(default);
        var signal = new JobSignal();
        using var listener = new PostgresJobListener(here, signal, new Bot.Deployments.Pushes.GateSignal(), new DeploymentFeed(here, FeedOptions.Postgres, TimeProvider.System), new RunningJobs(), Redactor.Default, TimeProvider.System, NullLogger<PostgresJobListener>.Instance);
        await listener.StartAsync(default);
        try
        {
            Assert.True(await signal.WaitAsync(Patience, default), "the listener never started listening");
            Assert.IsType<Enqueued>(await there.EnqueueAsync(New("web"), default));
            Assert.True(await signal.WaitAsync(Patience, default), "queuing in another process did not wake the listener");
        }
        finally
        {
            await listener.StopAsync(default);
        }
    }

    [Fact]
    public async Task Following_a_deployment_sees_events_another_process_records_as_they_are_recorded()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        await using var here = PostgresDeploymentStore.FromUrl(url);
        await using var there = PostgresDeploymentStore.FromUrl(url);
        await here.MigrateAsync(default);
        // Looking on its own only every hour: what arrives in time arrived by NOTIFY.
        var feed = new DeploymentFeed(here, new FeedOptions(TimeSpan.FromHours(1)), TimeProvider.System);
        var signal = new JobSignal();
        using var listener = new PostgresJobListener(here, signal, new Bot.Deployments.Pushes.GateSignal(), feed, new RunningJobs(), Redactor.Default, TimeProvider.System, NullLogger<PostgresJobListener>.Instance);
        await listener.StartAsync(default);
        try
        {
            Assert.True(await signal.WaitAsync(Patience, default), "the listener never started listening");
            var d = Assert.IsType<Enqueued>(await there.EnqueueAsync(New("web"), default)).Deployment;
            await using var follow = feed.FollowAsync(d.Id, 0, default).GetAsyncEnumerator();
            Assert.True(await follow.MoveNextAsync());
            Assert.Equal(DeploymentState.Queued, follow.Current.Deployment.State);

            await there.ClaimAsync("elsewhere", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), d.Id, default);
            Assert.True(await follow.MoveNextAsync().AsTask().WaitAsync(Patience));
            Assert.Equal(("running", DeploymentState.Running), (follow.Current.Line.Text, follow.Current.Deployment.State));
            await there.AppendEventAsync(d.Id, LineKind.Output, "compiling", DateTimeOffset.UtcNow, default);
            Assert.True(await follow.MoveNextAsync().AsTask().WaitAsync(Patience));
            Assert.Equal(("compiling", DeploymentState.Running), (follow.Current.Line.Text, follow.Current.Deployment.State));

            await there.FinishAsync(d.Id, DeploymentState.Succeeded, null, "r1", null, DateTimeOffset.UtcNow, default);
            Assert.True(await follow.MoveNextAsync().AsTask().WaitAsync(Patience));
            Assert.Equal(DeploymentState.Succeeded, follow.Current.Deployment.State);
            Assert.False(await follow.MoveNextAsync());
        }
        finally
        {
            await listener.StopAsync(default);
        }
    }

    [Fact]
    public async Task The_listener_listens_again_after_its_connection_is_lost()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        await using var here = PostgresDeploymentStore.FromUrl(url);
        await using var there = PostgresDeploymentStore.FromUrl(url);
        await here.MigrateAsync(default);
        var signal = new JobSignal();
        using var listener = new PostgresJobListener(here, signal, new Bot.Deployments.Pushes.GateSignal(), new DeploymentFeed(here, FeedOptions.Postgres, TimeProvider.System), new RunningJobs(), Redactor.Default, TimeProvider.System, NullLogger<PostgresJobListener>.Instance);
        await listener.StartAsync(default);
        try
        {
            Assert.True(await signal.WaitAsync(Patience, default), "the listener never started listening");
            await using (var admin = there.DataSource.CreateCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
                Assert.Equal(1L, await admin.ExecuteScalarAsync());
            // Listening again pulses once by itself (work may have been queued while nobody listened).
            Assert.True(await signal.WaitAsync(Patience, default), "the listener did not come back after its connection was cut");
            Assert.IsType<Enqueued>(await there.EnqueueAsync(New("web"), default));
            Assert.True(await signal.WaitAsync(Patience, default), "the listener came back but was not woken");
        }
        finally
        {
            await listener.StopAsync(default);
        }
    }

    [Fact]
    public async Task Checks_that_changed_at_one_replica_wake_the_gate_of_another_with_the_commit()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        await using var here = PostgresDeploymentStore.FromUrl(url);
        await using var there = PostgresDeploymentStore.FromUrl(url);
        await here.MigrateAsync(default);
        var signal = new JobSignal();
        var gate = new Bot.Deployments.Pushes.GateSignal();
        using var listener = new PostgresJobListener(here, signal, gate, new DeploymentFeed(here, FeedOptions.Postgres, TimeProvider.System), new RunningJobs(), Redactor.Default, TimeProvider.System, NullLogger<PostgresJobListener>.Instance);
        await listener.StartAsync(default);
        try
        {
            Assert.True(await signal.WaitAsync(Patience, default), "the listener never started listening");
            await there.AnnounceChecksAsync("0123456789abcdef", default);
            using var deadline = new CancellationTokenSource(Patience);
            while (!gate.TakeChecksChanged("0123456789abcdef"))
                await gate.WaitAsync(Patience, TimeProvider.System, deadline.Token);
            Assert.False(deadline.IsCancellationRequested, "the gate was never told");
            Assert.False(await signal.WaitAsync(TimeSpan.Zero, default), "a change of checks is not a queued job");
        }
        finally
        {
            await listener.StopAsync(default);
        }
    }

    [Fact]
    public async Task A_worker_runs_what_a_web_replica_queued_without_waiting_for_its_idle_check()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var config = EngineTests.WebApp(("DATABASE_URL", url));
        var slow = new WorkerOptions { IdleCheck = TimeSpan.FromHours(1) };
        await using var worker = await TestBot.StartAsync(config, s => s.AddSingleton(slow));
        await using var web = await TestBot.StartAsync(config, worker: false);
        var listener = ActivatorUtilities.CreateInstance<PostgresJobListener>(worker.Services);
        await listener.StartAsync(default);
        try
        {
            var result = await web.SendAsync("deploy web main");
            Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
            var done = await worker.WaitFinishedAsync(result.Started!.Id);
            Assert.Equal(DeploymentState.Succeeded, done.State);
            Assert.Single(worker.Fake.Deploys);
            Assert.Empty(web.Fake.Deploys);
            Assert.Equal(DeploymentState.Succeeded, (await web.Store.GetAsync(done.Id, default))!.State);
        }
        finally
        {
            await listener.StopAsync(default);
            listener.Dispose();
        }
    }
}
