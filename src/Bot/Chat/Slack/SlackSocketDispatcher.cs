using Bot.Http;
using Bot.Telemetry;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// Hands each Socket Mode envelope to <see cref="ISlackInbound"/> and acks it in time: with the handler's
/// answer when it comes within <see cref="SlackSocketModeOptions.AckTimeout"/> (and Slack takes one),
/// otherwise bare while the handler carries on. A failing handler is logged; the envelope is acked all the same.
/// </summary>
internal sealed class SlackSocketDispatcher(ISlackInbound inbound, SlackSocketModeOptions options, TimeProvider time, ILogger logger, BotMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Completes when every handler started so far has finished.</summary>
    public Task DrainAsync() => Task.WhenAll(_running.Keys);

    public async Task DispatchAsync(JsonObject envelope, SlackSocketConnection connection, CancellationToken stopping)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        var id = Text(envelope, "envelope_id")!;
        var type = Text(envelope, "type") ?? "";
        if (envelope["retry_attempt"] is JsonValue retry && retry.TryGetValue<int>(out var attempt) && attempt > 0)
            logger.LogDebug("Slack sent envelope {Id} again (attempt {Attempt}, {Reason})", id, attempt, Text(envelope, "retry_reason"));

        var handling = Track(HandleAsync(type, envelope["payload"] as JsonObject, id, stopping));
        JsonObject? answer = null;
        try
        {
            answer = await handling.WaitAsync(options.AckTimeout, time, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The {Type} handler took longer than {Timeout} s; acknowledged envelope {Id} without an answer",
                type, options.AckTimeout.TotalSeconds, id);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var ack = new JsonObject { ["envelope_id"] = id };
        if (answer is not null && envelope["accepts_response_payload"] is JsonValue accepts && accepts.TryGetValue<bool>(out var yes) && yes)
            ack["payload"] = answer.Parent is null ? answer : answer.DeepClone();
        try
        {
            await connection.SendAsync(ack).ConfigureAwait(false);
            metrics?.Acknowledged("slack", arrived);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not acknowledge envelope {Id} on connection {Number} ({Error}); Slack will send it again", id, connection.Number, e.Message);
        }
    }

    private async Task<JsonObject?> HandleAsync(string type, JsonObject? payload, string id, CancellationToken cancellationToken)
    {
        if (type is not ("slash_commands" or "interactive" or "events_api"))
        {
            logger.LogDebug("Nothing handles Socket Mode envelopes of type {Type}; acknowledging {Id}", type, id);
            return null;
        }
        if (payload is null)
        {
            logger.LogWarning("Socket Mode envelope {Id} of type {Type} came without a payload", id, type);
            return null;
        }
        try
        {
            switch (type)
            {
                case "slash_commands":
                    return await inbound.SlashCommandAsync(Fields(payload), cancellationToken).ConfigureAwait(false);
                case "interactive":
                    return await inbound.InteractionAsync(payload, cancellationToken).ConfigureAwait(false);
                default:
                    await inbound.EventAsync(payload, cancellationToken).ConfigureAwait(false);
                    return null;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Handling Socket Mode envelope {Id} ({Type}) failed", id, type);
            return null;
        }
    }

    /// <summary>A slash command's payload carries the same fields as the HTTP form; every value becomes a string.</summary>
    internal static Dictionary<string, string> Fields(JsonObject payload)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in payload)
            if (value is not null)
                fields[key] = payload.StringAt(key) ?? value.ToJsonString();
        return fields;
    }

    internal static string? Text(JsonObject message, string key) => message.StringAt(key);

    private Task<T> Track<T>(Task<T> task)
    {
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, all) => ((ConcurrentDictionary<Task, byte>)all!).TryRemove(t, out _), _running,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }
}
