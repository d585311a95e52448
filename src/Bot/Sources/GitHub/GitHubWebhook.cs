using Bot.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Sources.GitHub;

/// <summary>
/// <c>POST /github/webhook</c>: a repository's (or organisation's) webhook, content type <c>application/json</c>, secret
/// <c>GITHUB_WEBHOOK_SECRET</c>. Verified with <see cref="GitHubSignature"/> (401 when it fails or the secret is not set,
/// as for every signed endpoint here), read by <see cref="GitHubDelivery"/> (400 with a short reason for a body that is
/// not what GitHub sends), and handed to the engine's <see cref="IPushSink"/> once per <c>X-GitHub-Delivery</c>.
/// </summary>
/// <remarks>
/// GitHub waits 10 seconds and never retries, so the answer is made at once: the sink only writes to the store. Only a
/// delivery that reaches the sink is de-duplicated; a ping, an ignored event or a malformed body changes nothing, so
/// answering it twice is harmless and it costs no row in the store.
/// </remarks>
public static class GitHubWebhook
{
    public const string Path = "/github/webhook";

    public static void MapGitHubWebhook(this IEndpointRouteBuilder app) => app.MapPost(Path, HandleAsync);

    private static async Task HandleAsync(HttpContext context, [FromServices] GitHubOptions options)
    {
        var body = await Webhook.ReadSignedAsync(context, options.WebhookSecret, "GitHub webhooks", "GITHUB_WEBHOOK_SECRET", GitHubSignature.Header,
            (secret, bytes) => GitHubSignature.Verify(secret, bytes.Span, context.Request.Headers[GitHubSignature.Header])).ConfigureAwait(false);
        if (body is null) return;
        if (context.Request.Headers["X-GitHub-Event"].ToString() is not { Length: > 0 } name)
        {
            await Webhook.TextAsync(context, 400, "missing X-GitHub-Event").ConfigureAwait(false);
            return;
        }
        if (context.Request.Headers["X-GitHub-Delivery"].ToString() is not { Length: > 0 } delivery)
        {
            await Webhook.TextAsync(context, 400, "missing X-GitHub-Delivery").ConfigureAwait(false);
            return;
        }
        if (delivery.Length > 100)
        {
            await Webhook.TextAsync(context, 400, "X-GitHub-Delivery is longer than a delivery id").ConfigureAwait(false);
            return;
        }
        if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            await Webhook.TextAsync(context, 415, "set the webhook's content type to application/json").ConfigureAwait(false);
            return;
        }

        switch (GitHubDelivery.Read(name, body.Value.Span))
        {
            case GitHubDelivery.Malformed bad:
                await Webhook.TextAsync(context, 400, bad.Reason).ConfigureAwait(false);
                return;
            case GitHubDelivery.Ping:
                await Webhook.TextAsync(context, 200, "pong").ConfigureAwait(false);
                return;
            case GitHubDelivery.Ignored ignored:
                await Webhook.TextAsync(context, 202, $"ignored: {ignored.Reason}").ConfigureAwait(false);
                return;
            case var taken:
                await HandOnAsync(context, delivery, taken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Gives a push or a checks change to the engine, once per delivery id. When the store fails (the sink only writes
    /// to it) the answer is a 503 with one line, not an exception: GitHub will not retry, so the status is only for the
    /// person reading the webhook's Recent Deliveries, and a 2xx would show a lost push as delivered. A redelivery of
    /// the same id is then taken only if the failure came before the id was noted.
    /// </summary>
    private static async Task HandOnAsync(HttpContext context, string delivery, GitHubDelivery taken)
    {
        if (context.RequestServices.GetService<IPushSink>() is not { } sink)
        {
            await Webhook.TextAsync(context, 404, "deploy on push is not part of this bot").ConfigureAwait(false);
            return;
        }
        // A push GitHub has sent is recorded whole even if GitHub hangs up meanwhile: it will never send it again.
        var ct = CancellationToken.None;
        var noted = false;
        try
        {
            if (!await sink.FirstDeliveryAsync("github", delivery, ct).ConfigureAwait(false))
            {
                await Webhook.TextAsync(context, 200, "duplicate delivery, ignored").ConfigureAwait(false);
                return;
            }
            noted = true;
            switch (taken)
            {
                case GitHubDelivery.Pushed pushed:
                    await sink.PushedAsync(pushed.Push, ct).ConfigureAwait(false);
                    await Webhook.TextAsync(context, 202, $"push to {pushed.Push.Branch} at {pushed.Push.Sha[..7]} accepted").ConfigureAwait(false);
                    return;
                case GitHubDelivery.ChecksChanged checks:
                    await sink.ChecksChangedAsync(checks.Repository, checks.Sha, ct).ConfigureAwait(false);
                    await Webhook.TextAsync(context, 202, $"checks of {checks.Sha[..7]} noted").ConfigureAwait(false);
                    return;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GitHubWebhook))
                .LogError(e, "GitHub delivery {Delivery} could not be recorded", delivery);
            await Webhook.TextAsync(context, 503, noted
                ? "the delivery was noted but could not be recorded; push again to deploy this commit"
                : "the bot's store could not be reached; redeliver this delivery later").ConfigureAwait(false);
        }
    }
}
