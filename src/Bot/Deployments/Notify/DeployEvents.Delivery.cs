using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Bot.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Notify;

/// <summary>One event to one webhook: a signed POST, tried again with growing pauses until it is taken or refused.</summary>
public sealed partial class DeployEvents
{
    /// <summary>Tries one event until it is delivered or refused; false when this process lost the webhook meanwhile (or, once, on a failure).</summary>
    private async Task<bool> DeliverAsync(Hook hook, FeedItem item, byte[] body, bool once, CancellationToken cancellationToken)
    {
        var wait = options.FirstWait;
        for (var attempt = 1; ; attempt++)
        {
            // A try under way finishes when the host stops (within the grace); a drain bounds its own.
            var (outcome, status, retryAfter) = await PostAsync(hook, body, once ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
            switch (outcome)
            {
                case Outcome.Delivered:
                    if (attempt > 1) logger.LogInformation("Deploy events to {Host} are delivered again", hook.Url.Host);
                    return true;
                case Outcome.Refused:
                    logger.LogWarning("Deploy events: {Host} refused event {Id} ({Type}) with {Status}; it is skipped",
                        hook.Url.Host, DeployEventBody.Id(item), DeployEventBody.TypePrefix + item.Line.Text, status);
                    return true;
            }
            if (once)
            {
                logger.LogWarning("Deploy events to {Host} failed ({Status}); a worker sends them later", hook.Url.Host, status);
                return false;
            }
            // One line when a webhook goes down, not one per try.
            if (attempt == 1)
                logger.LogWarning("Deploy events to {Host} failed ({Status}); trying again with growing pauses", hook.Url.Host, status);
            var pause = retryAfter is { } asked && asked > wait ? Min(asked, options.LongestWait) : wait;
            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            wait = Min(wait * 2, options.LongestWait);
            if (!await HoldAsync(hook, cancellationToken).ConfigureAwait(false)) return false;
        }
    }

    private async Task<(Outcome, string, TimeSpan?)> PostAsync(Hook hook, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(DeployEventBody.ContentType) { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(SignatureHeader, DeployEventBody.Signature(options.Secret!, body));
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_sending.Token, cancellationToken);
            using var response = await http.CreateClient(Client).SendAsync(request, either.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var status = code.ToString(CultureInfo.InvariantCulture);
            if (response.IsSuccessStatusCode) return (Outcome.Delivered, status, null);
            var retryAfter = response.Headers.RetryAfter is null ? (TimeSpan?)null : PlatformHttp.RetryAfter(response, time, TimeSpan.Zero);
            // A redirect is not followed (a POST would become a GET): like a 4xx, the receiver will not take this event here.
            var refused = code is >= 300 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
            return (refused ? Outcome.Refused : Outcome.Failed, status, retryAfter);
        }
        catch (Exception e) when (PlatformHttp.IsUnreachable(e, cancellationToken))
        {
            return (Outcome.Failed, e is HttpRequestException ? "unreachable" : "timed out", null);
        }
    }
}
