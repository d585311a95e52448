using System.Collections.Concurrent;
using Bot.Sources;

namespace Bot.Tests.Sources.GitHub;

/// <summary>The engine's side of the webhook, as a test sees it: every call in order, deliveries de-duplicated in memory, and a failure on request.</summary>
public sealed class RecordingPushSink : IPushSink
{
    private readonly ConcurrentDictionary<string, bool> _seen = new();
    private readonly ConcurrentQueue<object> _calls = new();

    public IReadOnlyList<Push> Pushes => _calls.OfType<Push>().ToList();
    public IReadOnlyList<(string Repository, string Sha)> ChecksChanged => _calls.OfType<(string, string)>().ToList();
    public int Calls => _calls.Count;

    /// <summary>When set, <see cref="PushedAsync"/> and <see cref="ChecksChangedAsync"/> throw it (as a store that is down would).</summary>
    public Exception? Fail { get; set; }

    /// <summary>When set, <see cref="FirstDeliveryAsync"/> throws it.</summary>
    public Exception? FailDelivery { get; set; }

    public Task<bool> FirstDeliveryAsync(string source, string deliveryId, CancellationToken cancellationToken) =>
        FailDelivery is { } e ? Task.FromException<bool>(e) : Task.FromResult(_seen.TryAdd($"{source}:{deliveryId}", true));

    public Task PushedAsync(Push push, CancellationToken cancellationToken)
    {
        if (Fail is { } e) return Task.FromException(e);
        _calls.Enqueue(push);
        return Task.CompletedTask;
    }

    public Task ChecksChangedAsync(string repository, string sha, CancellationToken cancellationToken)
    {
        if (Fail is { } e) return Task.FromException(e);
        _calls.Enqueue((repository, sha));
        return Task.CompletedTask;
    }
}
