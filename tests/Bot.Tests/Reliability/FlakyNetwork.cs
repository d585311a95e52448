using System.Net;
using System.Threading.Channels;

namespace Bot.Tests.Reliability;

/// <summary>How one request goes wrong on the way.</summary>
public enum NetFault
{
    /// <summary>Nothing comes back until the caller gives up (its own time limit, or cancellation).</summary>
    Hang,

    /// <summary>The connection is reset before the request gets through.</summary>
    Drop,

    /// <summary>The request gets through and is acted on, but the answer breaks off half-way.</summary>
    CutAnswer,

    /// <summary>A proxy in front of the platform answers 500 without passing the request on.</summary>
    ServerError,
}

/// <summary>One request as it left the bot, on the test's clock, and what was done to it.</summary>
public sealed record NetAttempt(string Host, string Path, DateTimeOffset At, NetFault? Fault);

/// <summary>
/// The network between the bot and the fake platforms. Each request goes to the fake that serves its host, unless
/// the test asked for it to break: <see cref="FailNext"/> for the next few requests to a path, <see cref="Down"/>
/// for all of them until <see cref="Up"/>. Every attempt is noted, so a test can count them and read their times.
/// </summary>
public sealed class FlakyNetwork(TimeProvider time, params (Uri Base, HttpMessageHandler Fake)[] routes) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<NetAttempt> _attempts = [];
    private readonly Dictionary<string, Queue<NetFault>> _next = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetFault> _down = new(StringComparer.Ordinal);
    private readonly Channel<NetAttempt> _seen = Channel.CreateUnbounded<NetAttempt>();
    private readonly (Uri Base, HttpMessageInvoker Fake)[] _routes = [.. routes.Select(r => (r.Base, new HttpMessageInvoker(r.Fake, disposeHandler: false)))];

    /// <summary>The next <paramref name="times"/> requests whose path ends with <paramref name="path"/> (<c>chat.update</c>, <c>/v2/bot/message/push</c>) break so.</summary>
    public void FailNext(string path, NetFault fault, int times = 1)
    {
        lock (_gate)
        {
            if (!_next.TryGetValue(path, out var queue)) _next[path] = queue = new();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    /// <summary>Every request to <paramref name="host"/> breaks so until <see cref="Up"/>.</summary>
    public void Down(string host, NetFault fault) { lock (_gate) _down[host] = fault; }

    public void Up(string host) { lock (_gate) _down.Remove(host); }

    public IReadOnlyList<NetAttempt> AttemptsTo(string path) { lock (_gate) return _attempts.Where(a => a.Path.EndsWith(path, StringComparison.Ordinal)).ToList(); }

    public IReadOnlyList<NetAttempt> AttemptsOn(string host) { lock (_gate) return _attempts.Where(a => a.Host == host).ToList(); }

    /// <summary>The next attempt at <paramref name="path"/> (one made earlier and not yet seen counts).</summary>
    public async Task<NetAttempt> NextAttemptAsync(string path)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var attempt = await _seen.Reader.ReadAsync(patience.Token);
            if (attempt.Path.EndsWith(path, StringComparison.Ordinal)) return attempt;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("A request without a URL");
        var fake = _routes.FirstOrDefault(r => r.Base.Host == url.Host).Fake ?? throw new InvalidOperationException($"No fake serves {url.Host}");
        NetAttempt attempt;
        lock (_gate)
        {
            var fault = _down.TryGetValue(url.Host, out var down) ? down
                : _next.FirstOrDefault(n => url.AbsolutePath.EndsWith(n.Key, StringComparison.Ordinal) && n.Value.Count > 0).Value?.Dequeue();
            _attempts.Add(attempt = new NetAttempt(url.Host, url.AbsolutePath, time.GetUtcNow(), fault));
        }
        _seen.Writer.TryWrite(attempt);

        switch (attempt.Fault)
        {
            case NetFault.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                throw new InvalidOperationException("unreachable: an infinite wait ended");
            case NetFault.Drop:
                throw new HttpRequestException(HttpRequestError.ConnectionError, "The connection was reset.", new IOException("Connection reset by peer"));
            case NetFault.ServerError:
                return new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("Internal Server Error") };
        }
        var response = await fake.SendAsync(request, cancellationToken);
        if (attempt.Fault == NetFault.CutAnswer)
        {
            var whole = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = response.Content.Headers.ContentType;
            response.Content = new CutContent(whole) { Headers = { ContentType = headers } };
        }
        return response;
    }

    /// <summary>An answer whose connection breaks after half of its bytes.</summary>
    private sealed class CutContent(byte[] whole) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(whole.AsMemory(0, whole.Length / 2));
            throw new IOException("The connection was closed half-way through the answer.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = whole.Length;
            return true;
        }
    }
}
