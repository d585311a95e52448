using Bot.Chat;
using Bot.Commands;
using Bot.Chat.Console;
using Bot.Deployments;

namespace Bot.Tests.Chat;

public class ConsolePlatformTests
{
    [Fact]
    public void Wraps_to_80_columns_at_spaces()
    {
        var text = ConsolePlatform.Render(new ChatMessage(string.Join(' ', Enumerable.Repeat("word", 60)), Tone.Info, [new ChatAction("Logs", "logs web")]));
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.StartsWith("bot> word", lines[0]);
        Assert.Equal("     → logs web", lines[^1]);
    }

    [Fact]
    public async Task Shows_a_deployment_as_lines_ending_with_its_outcome_and_next_steps()
    {
        var output = new StringWriter();
        var console = new ConsolePlatform(output);
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var d = new Deployment(1, "web", "production", 7, DeploymentKind.Deploy, "main", "3f2a1c9aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Fix login",
            new Origin("console", "console", null, "alice", "alice"), DeploymentState.Running, now, now, null, null, null, null, null, false);
        await console.ShowDeploymentAsync(new DeploymentCard(d, [], now), new StoryLine(1, 1, now, LineKind.State, "running"), default);
        await console.ShowDeploymentAsync(new DeploymentCard(d, [], now), new StoryLine(1, 2, now, LineKind.Output, "compiling"), default);
        var done = d with { State = DeploymentState.Succeeded, FinishedAt = now.AddSeconds(12), Url = "https://web.example" };
        await console.ShowDeploymentAsync(new DeploymentCard(done, [], now), new StoryLine(1, 3, now, LineKind.State, "succeeded"), default);

        Assert.Equal("""
            bot> ⏳ web #7 → production: deploying main@3f2a1c9 "Fix login" · alice · 0.0s
                 │ compiling
            bot> ✅ web #7 → production: live
                 main@3f2a1c9 "Fix login" · alice · 12s
                 https://web.example
                 → logs web in production · rollback web in production

            """, output.ToString());
    }
}
