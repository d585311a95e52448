using System.Collections.Concurrent;
using Bot.Sources;

namespace Bot.Tests.Sources;

public sealed class WarmOrderTests
{
    private sealed record App(string Name, string? Repository);

    [Fact]
    public async Task Three_hundred_apps_are_fetched_once_each_and_a_shared_repository_is_asked_once()
    {
        // 200 apps of their own repository, 100 sharing 10 repositories, 5 with none.
        var apps = Enumerable.Range(0, 200).Select(i => new App($"own{i}", $"https://git.example/own{i}"))
            .Concat(Enumerable.Range(0, 100).Select(i => new App($"shared{i}", $"https://git.example/mono{i % 10}")))
            .Concat(Enumerable.Range(0, 5).Select(i => new App($"none{i}", null)))
            .ToList();
        var fromNetwork = new ConcurrentBag<string>();
        var fromCopy = new ConcurrentDictionary<string, string>();
        var running = 0;
        var most = 0;
        await WarmOrder.RunAsync(apps, a => a.Repository, async (app, leader, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Yield();
            if (leader is null) fromNetwork.Add(app.Repository!);
            else
            {
                Assert.Contains(leader.Repository!, fromNetwork);
                fromCopy[app.Name] = leader.Name;
            }
            Interlocked.Decrement(ref running);
        }, default);

        Assert.Equal(210, fromNetwork.Count);
        Assert.Equal(fromNetwork.Count, fromNetwork.Distinct().Count());
        Assert.Equal(90, fromCopy.Count);
        Assert.All(fromCopy, f => Assert.Equal(apps.Single(a => a.Name == f.Key).Repository, apps.Single(a => a.Name == f.Value).Repository));
        Assert.InRange(most, 1, WarmOrder.Parallel);
    }

    [Fact]
    public async Task A_hung_fetch_holds_up_neither_the_other_repositories_nor_start_up_finishing_the_rest()
    {
        var apps = new[] { new App("slow", "https://git.example/slow"), new App("slow-too", "https://git.example/slow") }
            .Concat(Enumerable.Range(0, 20).Select(i => new App($"a{i}", $"https://git.example/a{i}"))).ToList();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new ConcurrentBag<string>();
        var othersDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warming = WarmOrder.RunAsync(apps, a => a.Repository, async (app, _, _) =>
        {
            if (app.Name == "slow") await gate.Task;
            done.Add(app.Name);
            if (done.Count(n => n.StartsWith('a')) == 20) othersDone.TrySetResult();
        }, default);

        await othersDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(warming.IsCompleted);
        Assert.DoesNotContain("slow-too", done);

        gate.SetResult();
        await warming.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("slow-too", done);
    }

    [Fact]
    public async Task Stopping_ends_the_warm_up_without_an_error()
    {
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var apps = Enumerable.Range(0, 10).Select(i => new App($"a{i}", $"https://git.example/a{i}")).ToList();
        var warming = WarmOrder.RunAsync(apps, a => a.Repository, async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }, stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await warming.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(warming.IsCompletedSuccessfully);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
