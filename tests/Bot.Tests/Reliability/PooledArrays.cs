using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text.Json.Nodes;

namespace Bot.Tests.Reliability;

/// <summary>
/// How many bytes the runtime's shared array pools hold, told by their own event source: an array returned to a pool
/// is held until it is rented again, dropped or trimmed. The pools keep large buffers per thread and per core and let
/// them go only after a minute or more unused, so a heap measurement right after heavy traffic includes them; they are
/// a bounded cache, not a leak, and this tells the two apart.
/// </summary>
public sealed class PooledArrays : EventListener
{
    private const int Rented = 1, Returned = 3, Trimmed = 4, Dropped = 6;

    private readonly ConcurrentDictionary<(int Pool, int Buffer, int Length), byte> _held = new();
    private readonly Dictionary<int, int> _elementSize = new()
    {
        [ArrayPool<byte>.Shared.GetHashCode()] = sizeof(byte),
        [ArrayPool<char>.Shared.GetHashCode()] = sizeof(char),
        [ArrayPool<int>.Shared.GetHashCode()] = sizeof(int),
        [ArrayPool<string>.Shared.GetHashCode()] = IntPtr.Size,
        [ArrayPool<object>.Shared.GetHashCode()] = IntPtr.Size,
        [ArrayPool<JsonNode>.Shared.GetHashCode()] = IntPtr.Size,
    };

    /// <summary>Counted at one byte an element for pools it does not know, so it never overstates what they hold.</summary>
    public long HeldBytes => _held.Keys.Sum(k => (long)k.Length * _elementSize.GetValueOrDefault(k.Pool, 1));

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "System.Buffers.ArrayPoolEventSource") EnableEvents(source, EventLevel.Verbose);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.Payload is not [int buffer, int length, int pool, ..]) return;
        switch (e.EventId)
        {
            case Returned:
                _held.TryAdd((pool, buffer, length), 0);
                break;
            case Rented or Trimmed or Dropped:
                _held.TryRemove((pool, buffer, length), out _);
                break;
        }
    }
}
