using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Security;
using Bot.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Http;

/// <summary>What every webhook endpoint does the same way: the 401s (secret not set, signature failed), bounded body reading, short error answers, JSON parsing with limits.</summary>
public static class Webhook
{
    /// <summary>Bigger than anything Slack, LINE or the alert sources send; more is refused with 413.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    // A repeated key is refused while parsing: JsonObject would only throw at the first read of the object, far from here.
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>Reads the raw body (the bytes signatures are computed over); null after answering 413.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await TextAsync(context, 413, $"body larger than {MaxBodyBytes} bytes").ConfigureAwait(false);
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>(context.Request.ContentLength is > 0 and <= MaxBodyBytes and var n ? (int)n : 4096);
        var stream = context.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            int read;
            try { read = await stream.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or BadHttpRequestException) { return Aborted(context); }
            if (read == 0) break;
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
            {
                await TextAsync(context, 413, $"body larger than {MaxBodyBytes} bytes").ConfigureAwait(false);
                return null;
            }
        }
        return buffer.WrittenMemory;
    }

    private static ReadOnlyMemory<byte>? Aborted(HttpContext context)
    {
        context.Abort();
        return null;
    }

    /// <summary>
    /// The opening every webhook signed with a shared secret has: the secret must be set (401 naming the variable to set),
    /// the body readable (400 or 413), the signature over it valid (401 saying which <paramref name="headers"/> failed).
    /// Returns the body, or null when the request has been answered here.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadSignedAsync(
        HttpContext context, string? secret, string what, string variable, string headers, Func<string, ReadOnlyMemory<byte>, SignatureCheck> verify)
    {
        if (await RequireSecretAsync(context, secret, what, variable).ConfigureAwait(false) is not { } key) return null;
        if (await ReadBodyAsync(context).ConfigureAwait(false) is not { } body) return null;
        // A bare null here would become an empty body (byte[] converts to memory), not "answered".
        return await RequireSignatureAsync(context, verify(key, body), headers).ConfigureAwait(false) ? body : (ReadOnlyMemory<byte>?)null;
    }

    /// <summary>
    /// The secret that proves a request is the platform's, or null after answering 401: a request arriving for a platform
    /// whose secret is not set is rejected, never trusted. <paramref name="what"/> names its requests ("LINE webhooks").
    /// </summary>
    public static async Task<string?> RequireSecretAsync(HttpContext context, string? secret, string what, string variable)
    {
        if (secret is not null) return secret;
        Refused(context, Off(what, variable));
        await TextAsync(context, 401, Off(what, variable)).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// True for a valid signature; otherwise answers 401 with the reason, the same words for every platform:
    /// <paramref name="headers"/> names what a request without a signature lacks.
    /// </summary>
    public static async Task<bool> RequireSignatureAsync(HttpContext context, SignatureCheck check, string headers)
    {
        if (check == SignatureCheck.Valid) return true;
        var reason = check switch
        {
            SignatureCheck.Missing => $"missing {headers}",
            SignatureCheck.Stale => "request timestamp is more than 5 minutes off",
            _ => "invalid signature",
        };
        Refused(context, reason);
        await TextAsync(context, 401, reason).ConfigureAwait(false);
        return false;
    }

    /// <summary>One line per refused request, with its event id (<see cref="BotLog.WebhookRefused"/>): what a log alert watches.</summary>
    private static void Refused(HttpContext context, string reason) =>
        context.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("Bot.Http.Webhook")
            .WebhookRefused(context.Request.Method, context.Request.Path.Value ?? "", reason);

    /// <summary>Why requests of a platform are refused while its secret is not set, in one line that names the variable.</summary>
    public static string Off(string what, string variable) => $"{what} are off on this bot ({variable} is not set)";

    public static async Task<bool> RequireFormAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true) return true;
        await TextAsync(context, 415, "expected application/x-www-form-urlencoded").ConfigureAwait(false);
        return false;
    }

    /// <summary>A JSON object, or null when the text is not one (bad UTF-8, too deep, a key repeated, not an object).</summary>
    public static JsonObject? ParseObject(ReadOnlySpan<byte> utf8)
    {
        try { return JsonNode.Parse(utf8, null, ParseOptions) as JsonObject; }
        catch (JsonException) { return null; }
        catch (ArgumentException) { return null; }
    }

    public static JsonObject? ParseObject(string text) => ParseObject(Encoding.UTF8.GetBytes(text));

    public static Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    public static Task JsonAsync(HttpContext context, JsonNode? body)
    {
        context.Response.StatusCode = 200;
        if (body is null) return Task.CompletedTask;
        context.Response.ContentType = "application/json; charset=utf-8";
        // Straight into the response's buffer (the same text ToJsonString would make, without the string in between).
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter)) body.WriteTo(writer);
        return Task.CompletedTask;
    }
}
