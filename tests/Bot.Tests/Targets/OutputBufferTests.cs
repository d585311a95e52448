using Bot.Targets;
using Bot.Targets.Shell;
using Bot.Tests.Support;

namespace Bot.Tests.Targets;

/// <summary>
/// A step's output waits in a bounded buffer: a recorder slower than the child holds the child at its pipe, and every
/// line still arrives, in order, with the exit code after the last one.
/// </summary>
public sealed class OutputBufferTests : IDisposable
{
    private readonly TempDir _dir = new("output-buffer");

    [Fact]
    public async Task A_slow_reader_gets_every_line_of_a_chatty_step_in_order()
    {
        // 200,000 lines (about 1.3 MB) are far more than the buffer and the pipe hold together.
        const int Count = 200_000;
        var result = new StepResult();
        var seen = 0;
        var inOrder = true;
        await foreach (var e in StepRunner.RunAsync($"seq 1 {Count}; echo done >&2", _dir.Path, new Dictionary<string, string?>(),
                           TimeSpan.FromMinutes(5), result, streamOutput: true, TimeProvider.System, default))
        {
            var line = Assert.IsType<OutputLine>(e);
            if (line.IsError) { Assert.Equal("done", line.Text); continue; }
            seen++;
            inOrder &= line.Text == seen.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (seen % 1000 == 0) await Task.Yield();
        }
        Assert.Equal(Count, seen);
        Assert.True(inOrder);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task A_reader_that_stops_early_leaves_the_child_to_finish()
    {
        var mark = _dir["finished"];
        var result = new StepResult();
        var spec = $"seq 1 200000; echo end > '{mark}'";
        await foreach (var e in StepRunner.RunAsync(spec, _dir.Path, new Dictionary<string, string?>(), TimeSpan.FromMinutes(5), result,
                           streamOutput: true, TimeProvider.System, default))
        {
            Assert.Equal("1", Assert.IsType<OutputLine>(e).Text);
            break;
        }
        // Nobody reads any more: the rest is dropped and the child runs to its end instead of waiting at a full buffer.
        await WaitForAsync(() => File.Exists(mark));
        Assert.Equal("end", (await File.ReadAllTextAsync(mark)).Trim());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
            await Task.Delay(20, limit.Token);
    }

    public void Dispose() => _dir.Dispose();
}
