using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// One Socket Mode WebSocket. Reads whole messages (however they were fragmented), notes <c>hello</c>
/// and <c>disconnect</c> itself and hands every envelope to the dispatcher, whose ack goes back on this socket.
/// </summary>
internal sealed class SlackSocketConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SlackSocketModeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource<string> _disconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _envelopes = new();
    private readonly Task<string> _reading;

    private SlackSocketConnection(ClientWebSocket socket, int number, Func<JsonObject, SlackSocketConnection, Task> onEnvelope,
        SlackSocketModeOptions options, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _time = time;
        _logger = logger;
        Number = number;
        OpenedAt = time.GetTimestamp();
        _reading = Task.Run(() => ReadAsync(onEnvelope));
    }

    public int Number { get; }

    /// <summary>When the socket opened, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long OpenedAt { get; }

    /// <summary>Completes with Slack's reason once it has said it will close this connection soon.</summary>
    public Task<string> Disconnecting => _disconnect.Task;

    /// <summary>Completes with why reading stopped: a close frame, an error, or our own close.</summary>
    public Task<string> Closed => _reading;

    public static async Task<SlackSocketConnection> OpenAsync(Uri url, int number, Func<JsonObject, SlackSocketConnection, Task> onEnvelope,
        SlackSocketModeOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
        try
        {
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await socket.ConnectAsync(url, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new SlackSocketConnection(socket, number, onEnvelope, options, time, logger);
    }

    /// <summary>
    /// Sends one message. Deliberately not cancellable: cancelling a WebSocket send aborts the socket, and the
    /// close handshake with it. A send that hangs ends when the keep-alive timeout or disposal aborts the socket.
    /// </summary>
    public async Task SendAsync(JsonObject message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Lets the acks already under way go out, closes with NormalClosure and waits for the peer's close frame.</summary>
    public async Task CloseAsync()
    {
        try { await Task.WhenAll(_envelopes.Keys).WaitAsync(_options.CloseTimeout, _time).ConfigureAwait(false); }
        catch (TimeoutException) { _logger.LogDebug("Closing Socket Mode connection {Number} with acks still pending", Number); }
        await CloseOutputAsync(WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
        try { await _reading.WaitAsync(_options.CloseTimeout, _time).ConfigureAwait(false); }
        catch (TimeoutException) { await _abort.CancelAsync().ConfigureAwait(false); }
    }

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _reading.ConfigureAwait(false);
        _socket.Dispose();
        _abort.Dispose();
    }

    private async Task<string> ReadAsync(Func<JsonObject, SlackSocketConnection, Task> onEnvelope)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(8 * 1024), _abort.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await CloseOutputAsync(WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
                        return $"closed with {_socket.CloseStatus} {_socket.CloseStatusDescription}".TrimEnd();
                    }
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > _options.MaxMessageBytes)
                    {
                        await CloseOutputAsync(WebSocketCloseStatus.MessageTooBig).ConfigureAwait(false);
                        return $"a message over {_options.MaxMessageBytes} bytes";
                    }
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Text) Handle(buffer.WrittenSpan, onEnvelope);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return "closed by us";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    private void Handle(ReadOnlySpan<byte> json, Func<JsonObject, SlackSocketConnection, Task> onEnvelope)
    {
        JsonObject? message;
        try { message = JsonNode.Parse(json) as JsonObject; }
        catch (JsonException e)
        {
            _logger.LogWarning("Slack sent a Socket Mode message that is not JSON ({Error}); ignoring it", e.Message);
            return;
        }
        var type = message is null ? null : SlackSocketDispatcher.Text(message, "type");
        if (message is null) _logger.LogWarning("Slack sent a Socket Mode message that is not a JSON object; ignoring it");
        else if (SlackSocketDispatcher.Text(message, "envelope_id") is not null) Track(Task.Run(() => onEnvelope(message, this)));
        else if (type == "hello")
            _logger.LogDebug("Slack said hello on Socket Mode connection {Number} (app {App}, {Count} connections)", Number,
                (message["connection_info"] as JsonObject)?["app_id"]?.ToString(), message["num_connections"]?.ToString());
        else if (type == "disconnect")
        {
            var reason = SlackSocketDispatcher.Text(message, "reason") ?? "no reason given";
            // link_disabled: Socket Mode was switched off in the app's settings; reconnecting fails until it is back on.
            _logger.Log(reason == "link_disabled" ? LogLevel.Warning : LogLevel.Information,
                "Slack will close Socket Mode connection {Number} ({Reason}); opening another", Number, reason);
            _disconnect.TrySetResult(reason);
        }
        else _logger.LogDebug("Ignoring a Socket Mode message of type {Type}", type);
    }

    private void Track(Task envelope)
    {
        _envelopes.TryAdd(envelope, 0);
        _ = envelope.ContinueWith(static (t, all) => ((ConcurrentDictionary<Task, byte>)all!).TryRemove(t, out _), _envelopes,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status)
    {
        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _time);
        try
        {
            await _sending.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
            }
            finally { _sending.Release(); }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("Socket Mode connection {Number} could not be closed cleanly: {Error}", Number, e.Message);
        }
    }
}
