using System.Diagnostics;
using Bot.Targets.Shell;
using Bot.Tests.Support;

namespace Bot.Tests.Targets;

/// <summary>What recovery does with the process group a killed bot's step left noted in <c>step.pid</c>.</summary>
public sealed class StepPidFileTests : IDisposable
{
    private readonly TempDir _dir = new("steppid");

    [Fact]
    public async Task A_noted_group_is_stopped_even_when_its_shell_has_ended()
    {
        // A step's shell that started a helper and then died (as when the bot it wrote to was killed).
        var script = $"sleep 300 & echo $! > '{_dir["helper"]}'; cut -d' ' -f22 /proc/$$/stat > '{_dir["ticks"]}'";
        using var shell = Process.Start("setsid", ["/bin/sh", "-c", script]);
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var helper = int.Parse(File.ReadAllText(_dir["helper"]).Trim());
        using var helperProcess = Process.GetProcessById(helper);
        File.WriteAllText(_dir["step.pid"], $"{shell.Id} {File.ReadAllText(_dir["ticks"]).Trim()}\n");

        Assert.Equal(shell.Id, new StepPidFile(_dir.Path).StopLeftover());

        Assert.True(helperProcess.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(_dir["step.pid"]));
    }

    [Fact]
    public void A_pid_that_now_names_another_process_is_left_alone()
    {
        using var other = Process.Start("setsid", ["sleep", "300"]);
        try
        {
            File.WriteAllText(_dir["step.pid"], $"{other.Id} 1\n");

            Assert.Null(new StepPidFile(_dir.Path).StopLeftover());
            Assert.False(other.HasExited);
        }
        finally
        {
            other.Kill();
        }
    }

    public void Dispose() => _dir.Dispose();
}
