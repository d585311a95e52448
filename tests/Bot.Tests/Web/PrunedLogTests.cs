using Bot.Deployments;
using Bot.Tests.Support;

namespace Bot.Tests.Web;

/// <summary>A deployment whose output retention removed: the page and <c>logs web #n</c> say when and under which setting.</summary>
public sealed class PrunedLogTests
{
    [Fact]
    public async Task The_log_page_and_the_raw_log_say_when_the_output_was_removed_and_under_which_setting()
    {
        await using var host = await PageHost.StartAsync();
        var d = await host.RunningAsync();
        await host.AppendAsync(d, LineKind.Step, "build");
        await host.AppendAsync(d, LineKind.Output, "compiling the login form");
        await host.FinishAsync(d, DeploymentState.Succeeded, null);
        var now = host.Time.GetUtcNow();
        Assert.Equal(new PruneResult(2, 1), await host.Store.PruneOutputAsync(now.AddSeconds(1), "90d", now, 1000, default));

        var html = await (await host.Client.GetAsync(host.PathOf(d))).Content.ReadAsStringAsync();
        Assert.Contains($"<p class=\"none\">Output removed on {now.UtcDateTime:yyyy-MM-dd} (Retention:Output = 90d).</p>", html);
        Assert.Contains("<header id=\"head\" class=\"s-succeeded\">", html);
        Assert.DoesNotContain("compiling", html);
        Assert.DoesNotContain("No output yet", html);

        var raw = await (await host.Client.GetAsync(host.PathOf(d) + "&raw=1")).Content.ReadAsStringAsync();
        Assert.Contains($"Output removed on {now.UtcDateTime:yyyy-MM-dd} (Retention:Output = 90d).", raw);
        Assert.DoesNotContain("compiling", raw);
    }

    [Fact]
    public async Task Logs_of_a_pruned_deployment_in_chat_say_so_instead_of_an_empty_excerpt()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:web:Target"] = "fake" });
        var started = (await bot.SendAsync("deploy web")).Started!;
        await bot.WaitFinishedAsync(started.Id);
        var now = DateTimeOffset.UtcNow;
        while (await bot.Store.PruneOutputAsync(now.AddDays(1), "30d", now, 1000, default) is not { Lines: 0, Deployments: 0 }) { }

        var reply = Assert.Single((await bot.SendAsync("logs web #1")).Messages);
        Assert.EndsWith($"Output removed on {now.UtcDateTime:yyyy-MM-dd} (Retention:Output = 30d).", reply.Text);
        Assert.Null(reply.Lines);
        Assert.DoesNotContain("here are its last lines", reply.Text);
    }
}
