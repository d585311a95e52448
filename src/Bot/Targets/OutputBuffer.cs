using System.Threading.Channels;

namespace Bot.Targets;

/// <summary>
/// Between a child process and the deployment that records its lines: at most <see cref="Capacity"/> lines wait here.
/// When the recorder falls behind (a build printing megabytes in a second), the child waits at its pipe instead of the
/// bot holding every line it printed in memory.
/// </summary>
public static class OutputBuffer
{
    public const int Capacity = 100;

    public static Channel<DeployEvent> Create() =>
        Channel.CreateBounded<DeployEvent>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Waits for room; once the reader has gone (the buffer completed), the line is dropped and the child read on.</summary>
    public static async ValueTask WriteAsync(ChannelWriter<DeployEvent> writer, DeployEvent e)
    {
        try
        {
            await writer.WriteAsync(e).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Nobody reads any more (the deployment stopped following): keep the pipe moving.
        }
    }
}
