using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bot.Tests.Reliability;

/// <summary>What came back: a status and body, <see cref="FuzzCase.Closed"/> when the connection closed unanswered, or what the client threw.</summary>
public sealed record FuzzAnswer(int Status, string Body, string? ClientError = null);

/// <summary>
/// Sends fuzz cases to the bot on loopback: honest ones with <see cref="HttpClient"/> (a length, or chunks when the length
/// is unknown), dishonest ones by writing the bytes on a socket, since no HTTP client will lie about a body.
/// </summary>
public sealed class FuzzSender(LoopbackBot bot)
{
    private const int MaxBodyKept = 16 * 1024;

    public async Task<FuzzAnswer> SendAsync(FuzzCase c)
    {
        try
        {
            return c.Framing <= Framing.Chunked ? await SendHonestlyAsync(c) : await SendRawAsync(c);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TaskCanceledException)
        {
            return new FuzzAnswer(-1, "", $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<FuzzAnswer> SendHonestlyAsync(FuzzCase c)
    {
        using var request = new HttpRequestMessage(c.Method, c.Path);
        if (c.Method == HttpMethod.Post)
        {
            request.Content = c.Framing == Framing.Chunked ? new UnknownLengthContent(c.Body) : new ByteArrayContent(c.Body);
            if (c.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        }
        foreach (var (name, value) in c.Headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await bot.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new FuzzAnswer((int)response.StatusCode, body.Length <= MaxBodyKept ? body : body[..MaxBodyKept]);
    }

    /// <summary>HTTP/1.1 written by hand with a Content-Length that is not the body's, or chunks that are not chunks.</summary>
    private async Task<FuzzAnswer> SendRawAsync(FuzzCase c)
    {
        var head = new StringBuilder($"POST {c.Path} HTTP/1.1\r\nHost: {bot.Address.Authority}\r\nConnection: close\r\n");
        if (c.ContentType is not null) head.Append($"Content-Type: {c.ContentType}\r\n");
        foreach (var (name, value) in c.Headers) head.Append($"{name}: {value}\r\n");
        var body = c.Body;
        var slack = Math.Max(1, body.Length / 3);
        head.Append(c.Framing switch
        {
            Framing.LongerThanSent => $"Content-Length: {body.Length + slack}\r\n",
            Framing.ShorterThanSent => $"Content-Length: {body.Length - slack / 2}\r\n",
            Framing.ChunkedWithLength => $"Content-Length: {body.Length}\r\nTransfer-Encoding: chunked\r\n",
            _ => "Transfer-Encoding: chunked\r\n",
        });
        head.Append("\r\n");
        byte[] payload = c.Framing switch
        {
            Framing.ChunkedWithLength => Chunked(body),
            Framing.BadChunks => [.. "zz\r\n"u8, .. body, .. "\r\n0\r\n"u8],
            _ => body,
        };

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, bot.Address.Port);
        var stream = client.GetStream();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), patience.Token);
            await stream.WriteAsync(payload, patience.Token);
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (IOException)
        {
            // The bot may answer and close before it has read everything; its answer is still to be read.
        }
        var answer = new MemoryStream();
        try { await stream.CopyToAsync(answer, patience.Token); }
        catch (IOException) { /* reset after the answer, or instead of one */ }
        var text = Encoding.UTF8.GetString(answer.ToArray());
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12) return new FuzzAnswer(FuzzCase.Closed, text);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return new FuzzAnswer(int.Parse(text.AsSpan(9, 3)), split < 0 ? "" : text[(split + 4)..]);
    }

    private static byte[] Chunked(byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"{body.Length:x}\r\n"), .. body, .. "\r\n0\r\n\r\n"u8];

    /// <summary>A body whose length is not known up front, so it goes out chunked.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
