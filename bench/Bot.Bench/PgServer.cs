using System.Runtime.InteropServices;
using Bot.Tests.Support;

namespace Bot.Bench;

/// <summary>
/// A throwaway PostgreSQL server (durable settings) for <c>bench/scale.sh</c>: creates COUNT databases, writes their
/// URLs one a line to FILE, and keeps the server until SIGTERM, then removes it.
/// </summary>
public static class PgServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(args[0]);
        using var server = TempPostgres.Start(durable: true);
        var urls = new List<string>();
        for (var i = 0; i < count; i++) urls.Add(await server.CreateDatabaseAsync("scale"));
        var done = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; done.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; done.TrySetResult(); });
        await File.WriteAllLinesAsync(args[1] + ".tmp", urls);
        File.Move(args[1] + ".tmp", args[1]);
        await done.Task;
        return 0;
    }
}
