using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Bot.Tests.Chat.Line;
using Xunit.Abstractions;

namespace Bot.Tests.Reliability;

/// <summary>Tests that measure the whole process (its memory, its timing) and so must not share it with others.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// Ten thousand malformed or hostile requests over every endpoint of a bot on loopback. Each may only get the answers
/// it deserves (never a 5xx); nothing the bot says, to the caller or to Slack and LINE, may carry a stack trace; no
/// error may be logged; the bot must still be healthy afterwards, with its memory back where it started.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Cases = 10_000, WarmUpCases = 1_000, Senders = 8;

    /// <summary>
    /// The run should keep nothing per request: deliveries and audit entries go to SQLite, outside the managed heap. What
    /// may still grow is small and bounded: a few cached profiles, Kestrel's and HttpClient's pools, JIT and thread-pool
    /// state for paths first taken after the warm-up. 20 MB is well above that, and well below what keeping even 2 KB per
    /// request would cost (20 MB for 10,000). Not counted: buffers held by the runtime's shared array pools
    /// (<see cref="PooledArrays"/>), which after this traffic hold 60 to 150 MB of 32 KB to 4 MB arrays per thread and per
    /// core, and give them back only after a minute unused; heap dumps of a run show those arrays as all of the growth.
    /// </summary>
    private const long AllowedGrowth = 20 * 1024 * 1024;

    private static readonly string[] StackTraceMarks = ["   at ", "Exception"];

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var seed) ? seed : 20251125;

    private readonly PlatformFakes _fakes = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentDictionary<string, string> _examples = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private readonly PooledArrays _pooled = new();
    private LoopbackBot _bot = null!;

    public async Task InitializeAsync()
    {
        // Apps only nobody may change: commands are read and answered, but nothing is deployed or locked.
        var apps = new Dictionary<string, string?> { ["Admins:0"] = "slack:U0NOBODY" };
        foreach (var app in new[] { "web", "api", "app00" })
        {
            apps[$"Apps:{app}:Target"] = "fake";
            apps[$"Apps:{app}:Deployers:0"] = "slack:U0NOBODY";
        }
        _bot = await LoopbackBot.StartAsync(_fakes.Settings(apps), _fakes.Replace);
        _fakes.Slack.AddUser("U0ALICE", "alice", "Alice Doe");
        _fakes.Line.AddProfile(LinePayloads.Alice, "Alice");
    }

    public async Task DisposeAsync()
    {
        _pooled.Dispose();
        await _bot.DisposeAsync();
    }

    [Fact]
    public async Task Hostile_requests_get_only_the_answers_they_deserve_and_the_bot_stays_healthy_and_lean()
    {
        await RunAsync(Seed + 1, WarmUpCases, count: false);
        await SettleAndCheckAsync();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var pooledBefore = _pooled.HeldBytes;

        var clock = Stopwatch.StartNew();
        await RunAsync(Seed, Cases, count: true);
        await SettleAndCheckAsync();
        var elapsed = clock.Elapsed;
        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            var health = await _bot.Client.GetAsync(path);
            if (!health.IsSuccessStatusCode) Fail("unhealthy after the run", $"{path} answered {(int)health.StatusCode}");
        }
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var pooledGrowth = _pooled.HeldBytes - pooledBefore;
        CheckWhatWasKept();

        var handled = _statuses.Where(s => s.Key is 200 or 202 or 400 or 415).Sum(s => s.Value);
        output.WriteLine($"seed {Seed}: {Cases} requests in {elapsed.TotalSeconds:F1}s; answers " +
                         string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) +
                         $"; managed heap {baseline / 1024 / 1024} MB after the warm-up, then {MB(heapGrowth)}, of which {MB(pooledGrowth)} in the shared array pools");
        Assert.True(_failures.IsEmpty, $"seed {Seed} (set FUZZ_SEED to run it again): {_failures.Values.Sum()} failures of {_failures.Count} kinds; " +
            "the first of each:\n\n" + string.Join("\n\n", _failures.OrderBy(f => f.Key).Select(f => $"[{f.Value}× {f.Key}] {_examples[f.Key]}")));
        Assert.True(handled > Cases * 2 / 5, $"seed {Seed}: only {handled} of {Cases} requests got past signature checks; the fuzzer is not reaching the handlers");
        Assert.True(heapGrowth - pooledGrowth < AllowedGrowth,
            $"seed {Seed}: the managed heap grew by {MB(heapGrowth)} over the run, {MB(heapGrowth - pooledGrowth)} of it outside the array pools (allowed: {MB(AllowedGrowth)})");
    }

    /// <summary>Makes the cases in order on this thread (so the seed decides them) while several senders send them.</summary>
    private async Task RunAsync(int seed, int cases, bool count)
    {
        var generator = new FuzzCases(seed, _fakes.Time.GetUtcNow());
        var sender = new FuzzSender(_bot);
        var queue = Channel.CreateBounded<FuzzCase>(Senders * 4);
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            await foreach (var c in queue.Reader.ReadAllAsync())
            {
                var answer = await sender.SendAsync(c);
                if (count) _statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
                Check(seed, c, answer);
            }
        })).ToList();
        for (var i = 0; i < cases; i++) await queue.Writer.WriteAsync(generator.Next(i));
        queue.Writer.Complete();
        await Task.WhenAll(senders);
    }

    private void Check(int seed, FuzzCase c, FuzzAnswer answer)
    {
        var problem = answer switch
        {
            { ClientError: { } error } => $"the request failed ({error[..error.IndexOf(':')]})",
            { Status: >= 500 } => $"answered {answer.Status}",
            _ when !c.Allowed.Contains(answer.Status) => $"answered {answer.Status}, expected {string.Join(" or ", c.Allowed.Order())}",
            _ when StackTraceMarks.FirstOrDefault(answer.Body.Contains) is { } mark => $"answered with '{mark}' in the body",
            _ => null,
        };
        if (problem is not null) Fail($"{c.Path.Split('?')[0]} {problem}", $"seed {seed}, case {c}\n  → {problem}: {answer.ClientError}{Excerpt(answer.Body)}");
    }

    /// <summary>Lets background work finish, then checks (and forgets) what the bot sent to Slack and LINE; spec violations and errors are checked at the end.</summary>
    private async Task SettleAndCheckAsync()
    {
        await PlatformFakes.QuietAsync(_bot.Services);
        var sent = _fakes.Slack.Calls.Select(c => $"Slack {c.Method}: {c.Args.ToJsonString()}")
            .Concat(_fakes.Slack.ResponsePosts.Select(p => $"Slack response_url: {p.Body.ToJsonString()}"))
            .Concat(_fakes.Slack.Uploads.Select(u => $"Slack upload: {Encoding.UTF8.GetString(u.Bytes)}"))
            .Concat(_fakes.Line.Requests.Select(r => $"LINE {r.Path}: {r.Body?.ToJsonString()}"));
        foreach (var text in sent.Where(t => StackTraceMarks.Any(t.Contains)))
            Fail("a stack trace went out", Excerpt(text));
        _fakes.Slack.Forget();
        _fakes.Line.Forget();
    }

    /// <summary>Calls against the platforms' specs and logged errors, which the fakes and the log keep for the whole run.</summary>
    private void CheckWhatWasKept()
    {
        foreach (var v in _fakes.Slack.Violations.Concat(_fakes.Line.Violations))
            Fail($"a call against the platform's spec: {v.Split(':')[0]}", Excerpt(v));
        foreach (var (kind, (count, first)) in _fakes.Log.Kinds)
            Fail($"{count} errors logged by {kind}", Excerpt(first, 3000));
    }

    /// <summary>Counts failures by kind and keeps the first example of each, so the message shows every kind at once.</summary>
    private void Fail(string kind, string example)
    {
        _examples.TryAdd(kind, example);
        _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    private static string MB(long bytes) => $"{bytes / 1024.0 / 1024:+0.0;-0.0} MB";

    private static string Excerpt(string s, int max = 800) => s.Length <= max ? s : s[..max] + $"… ({s.Length} chars)";
}
