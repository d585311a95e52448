using Bot.Deployments;
using Bot.Deployments.Pushes;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Commands;

/// <summary>A task runs beside a deploy unless it says <c>"Lock": true</c>: then it waits for its turn and holds the lock.</summary>
public sealed class TaskLockTests
{
    private static Dictionary<string, string?> Config() => new()
    {
        ["Apps:web:Target"] = "fake",
        ["Apps:web:Tasks:migrate:Command"] = "manage.py migrate",
        ["Apps:web:Tasks:migrate:Lock"] = "true",
        ["Apps:web:Tasks:report"] = "manage.py report",
    };

    [Fact]
    public async Task A_task_runs_beside_a_deploy_and_one_that_takes_the_lock_waits_for_its_turn()
    {
        await using var bot = await TestBot.StartAsync(Config());
        bot.Fake.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deploy = await bot.SendAsync("deploy web");
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var report = await bot.WaitFinishedAsync((await bot.SendAsync("run web report")).Started!.Id);
        Assert.Equal((DeploymentKind.Task, DeploymentState.Succeeded), (report.Kind, report.State));
        Assert.Equal(DeploymentState.Running, (await bot.Store.GetAsync(deploy.Started!.Id, default))!.State);

        var migrate = await bot.SendAsync("run web migrate");
        Assert.True(migrate.Ok);
        Assert.StartsWith("🚦 Task migrate (#3) of web production waits for its turn: it takes the deploy lock.", migrate.Messages[0].Text);
        Assert.Equal(DeploymentState.Waiting, migrate.Started!.State);

        bot.Fake.Hold.SetResult();
        await bot.WaitFinishedAsync(deploy.Started.Id);
        await bot.Services.GetRequiredService<WaitingDeployments>().LookAsync(default);
        var ran = await bot.WaitFinishedAsync(migrate.Started.Id);
        Assert.Equal(DeploymentState.Succeeded, ran.State);
        Assert.Equal(["report", "migrate"], bot.Fake.Tasks.Select(t => t.Task.Name));
        Assert.Equal(deploy.Started.Id, (await bot.Store.SucceededAsync("web", "production", 1, default))[0].Id);
    }

    [Fact]
    public async Task A_manual_lock_refuses_a_task_that_takes_the_lock_and_not_one_that_does_not()
    {
        await using var bot = await TestBot.StartAsync(Config());
        Assert.True((await bot.SendAsync("lock web production db work", user: "bob")).Ok);

        var migrate = await bot.SendAsync("run web migrate");
        Assert.False(migrate.Ok);
        Assert.Contains("web production is locked by bob", migrate.Messages[0].Text);
        var report = await bot.SendAsync("run web report");
        Assert.True(report.Ok, report.Messages[0].Text);
        Assert.Equal(DeploymentState.Succeeded, (await bot.WaitFinishedAsync(report.Started!.Id)).State);
    }

    [Fact]
    public async Task Run_without_a_task_lists_them_and_an_app_without_tasks_says_where_to_name_them()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?>(Config()) { ["Apps:api:Target"] = "fake" });
        var list = await bot.SendAsync("run web");
        Assert.Equal("web production tasks: `migrate` (takes the deploy lock), `report`. Type `run web <task>`.", list.Messages[0].Text);
        Assert.Equal(["run migrate", "run report"], list.Messages[0].ActionList.Select(a => a.Label));
        var none = await bot.SendAsync("run api migrate");
        Assert.StartsWith("api has no tasks. Name them in its config under `Apps:api:Tasks`", none.Messages[0].Text);
        Assert.Contains("run", (await bot.SendAsync("help")).Messages[0].Text);
    }
}
