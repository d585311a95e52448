using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Bot.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> in a temp folder, <c>pg_ctl start</c> on a free loopback port,
/// <c>pg_ctl stop -m immediate</c> (or a kill) and the folder deleted on dispose. PostgreSQL refuses to run as
/// root, so as root the server runs as <c>nobody</c> (through <c>runuser</c>), owning only its folder.
/// Shared by the tests and the benchmark (linked into bench/Bot.Bench).
/// </summary>
public sealed class TempPostgres : IDisposable
{
    private const string RunAsWhenRoot = "nobody";
    private readonly string _bin;
    private readonly string _data;
    private int _stopped;

    private TempPostgres(string bin, string dir, int port)
    {
        _bin = bin;
        Dir = dir;
        _data = Path.Combine(dir, "data");
        Port = port;
    }

    public string Dir { get; }

    public int Port { get; }

    /// <summary>Starts a server; <paramref name="durable"/> keeps fsync and synchronous commit on (for measurements), else they are off (for speed).</summary>
    public static TempPostgres Start(bool durable = false)
    {
        var bin = FindBin();
        var dir = Directory.CreateTempSubdirectory("bot-pg-").FullName;
        try
        {
            if (Environment.IsPrivilegedProcess)
                Run("chown", ["-R", RunAsWhenRoot, dir], asServerUser: false);
            Run(Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var server = new TempPostgres(bin, dir, FreePort());
                try
                {
                    server.StartServer(durable);
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
                    return server;
                }
                catch (InvalidOperationException e)
                {
                    last = e; // most likely the port was taken in between; another one
                }
            }
            throw last!;
        }
        catch
        {
            TryDelete(dir);
            throw;
        }
    }

    private void StartServer(bool durable)
    {
        var settings = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='{Dir}' -c max_connections=300 -c shared_buffers=32MB" +
                       (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-l", Path.Combine(Dir, "server.log"), "-w", "-t", "60", "-o", settings, "start"]);
    }

    /// <summary><c>postgres://postgres@127.0.0.1:port/database</c> (trust auth: no password).</summary>
    public string Url(string database) => $"postgres://postgres@127.0.0.1:{Port}/{database}";

    /// <summary>Creates an empty database with a fresh name and returns its URL.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return Url(name);
    }

    public void Dispose()
    {
        Stop();
        TryDelete(Dir);
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "-t", "20", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // pg_ctl could not stop it: kill the postmaster named in its pid file (its children follow it).
            var pidFile = Path.Combine(_data, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
                try { using var p = Process.GetProcessById(pid); p.Kill(entireProcessTree: true); p.WaitForExit(10_000); }
                catch (ArgumentException) { /* already gone */ }
        }
    }

    private static string FindBin()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } fromEnv) candidates.Add(fromEnv);
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
               ?? throw new InvalidOperationException(
                   "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or PG_BIN; install them (apt-get install postgresql) to run the PostgreSQL tests.");
    }

    /// <summary>Runs a tool to its end (as the server's user when this process is root); throws with its output when it fails.</summary>
    private static void Run(string file, string[] args, bool asServerUser = true)
    {
        var asRoot = Environment.IsPrivilegedProcess;
        var info = new ProcessStartInfo(asServerUser && asRoot ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServerUser && asRoot)
            foreach (var a in new[] { "-u", RunAsWhenRoot, "--", file }) info.ArgumentList.Add(a);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish within 2 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}".Trim());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { /* the OS temp cleaner gets it */ }
        catch (UnauthorizedAccessException) { }
    }
}
