using System.Text.Json.Nodes;
using System.Threading.Channels;
using Bot.Chat.Slack;

namespace Bot.Tests.Support;

/// <summary>
/// Records what Slack delivered. A slash command is answered with <c>on it: {text}</c>; the command text
/// <c>slow</c> waits for <see cref="Gate"/>; an interaction whose <c>type</c> is <c>boom</c> throws.
/// </summary>
public sealed class RecordingSlackInbound : ISlackInbound
{
    private readonly Channel<(string Kind, JsonObject Data)> _calls = Channel.CreateUnbounded<(string, JsonObject)>();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the slow slash command has returned.</summary>
    public TaskCompletionSource SlowDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<IReadOnlyDictionary<string, string>> Commands { get; } = [];

    public async Task<(string Kind, JsonObject Data)> NextCallAsync() =>
        await _calls.Reader.ReadAsync().AsTask().WaitAsync(SlackSocketServer.Patience);

    public async Task<JsonObject?> SlashCommandAsync(IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        lock (Commands) Commands.Add(fields);
        var text = fields.GetValueOrDefault("text", "");
        _calls.Writer.TryWrite(("command", new JsonObject { ["text"] = text }));
        if (text == "slow")
        {
            await Gate.Task.WaitAsync(cancellationToken);
            SlowDone.TrySetResult();
        }
        return new JsonObject { ["response_type"] = "ephemeral", ["text"] = $"on it: {text}" };
    }

    public Task<JsonObject?> InteractionAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        _calls.Writer.TryWrite(("interaction", payload));
        if (payload["type"]?.GetValue<string>() == "boom") throw new InvalidOperationException("the handler broke");
        return Task.FromResult<JsonObject?>(new JsonObject { ["text"] = "not asked for" });
    }

    public Task EventAsync(JsonObject envelope, CancellationToken cancellationToken)
    {
        _calls.Writer.TryWrite(("event", envelope));
        return Task.CompletedTask;
    }
}
