using System.Diagnostics;
using Bot.Processes;
using Bot.Tests.Support;

namespace Bot.Tests.Processes;

/// <summary>A step starts only once its process group is noted, so a bot killed in between leaves nothing unnoted running.</summary>
public sealed class HeldShellTests : IDisposable
{
    private readonly TempDir _dir = new("held");

    [Fact]
    public async Task A_held_command_runs_only_after_its_pid_was_handed_over()
    {
        var mark = _dir["ran"];
        var seenBeforeGo = true;

        var outcome = await ChildProcess.RunAsync(ChildProcess.HeldShell($"echo ran > '{mark}'", _dir.Path, null, TimeSpan.FromSeconds(30)), null, default,
            onStarted: _ => seenBeforeGo = File.Exists(mark));

        Assert.Equal(0, outcome.ExitCode);
        Assert.False(seenBeforeGo);
        Assert.True(File.Exists(mark));
    }

    [Fact]
    public async Task A_held_command_whose_parent_never_says_go_runs_nothing()
    {
        var mark = _dir["ran"];
        var spec = ChildProcess.HeldShell($"echo ran > '{mark}'", _dir.Path, null, null);
        var info = new ProcessStartInfo(spec.FileName) { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in spec.Arguments) info.ArgumentList.Add(a);

        using var child = Process.Start(info)!;
        child.StandardInput.Close();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(125, child.ExitCode);
        Assert.False(File.Exists(mark));
    }

    [Fact]
    public async Task A_held_command_ends_with_its_parent_even_when_the_parent_is_killed()
    {
        // The parent's end is its end of the stdin pipe closing, which is what the kernel does for a SIGKILLed bot.
        var pidFile = _dir["step.pid"];
        var spec = ChildProcess.HeldShell($"sh -c 'echo $$ > \"{pidFile}\"; exec sleep 60'", _dir.Path, null, null);
        var info = new ProcessStartInfo("/usr/bin/setsid") { RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("--wait");
        info.ArgumentList.Add(spec.FileName);
        foreach (var a in spec.Arguments) info.ArgumentList.Add(a);

        using var wrapper = Process.Start(info)!;
        wrapper.StandardInput.Write("go\n");
        wrapper.StandardInput.Flush();
        var step = await WaitForAsync(() => File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var p) ? p : (int?)null);
        Assert.NotNull(ChildProcess.StartTicks(step));

        wrapper.StandardInput.Close();
        await wrapper.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(() => ChildProcess.StartTicks(step) is null ? true : (bool?)null);
        Assert.False(ChildProcess.GroupIsAlive(wrapper.Id));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe) where T : struct
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (probe() is { } value) return value;
            await Task.Delay(20, limit.Token);
        }
    }

    public void Dispose() => _dir.Dispose();
}
