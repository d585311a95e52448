using System.Globalization;
using System.Text.Json;
using Bot.Security;

namespace Bot.Deployments.Notify;

/// <summary>Turns one state line into the bytes sent for it: the same bytes on every try, so the id and signature hold.</summary>
public static class DeployEventBody
{
    public const string ContentType = "application/cloudevents+json";

    public const string TypePrefix = "com.deploybot.deployment.";

    /// <summary><c>&lt;deployment id&gt;-&lt;seq&gt;</c>: unique, and the same on every try of one event.</summary>
    public static string Id(FeedItem item) =>
        string.Create(CultureInfo.InvariantCulture, $"{item.Deployment.Id}-{item.Line.Seq}");

    public static CloudEvent Of(FeedItem item, string source, string? target, string? logUrl, Redactor redactor)
    {
        var d = AsAt(item);
        var state = StoreNames.Name(d.State);
        var data = new DeployEventData(
            d.App, d.Env, target, d.Number, StoreNames.Name(d.Kind), state, d.Sha, d.Ref, Redact(d.Subject, redactor),
            new DeployEventPerson(d.Origin.UserName, d.Origin.QualifiedUser),
            Redact(d.Message, redactor), d.Release, d.Url, logUrl,
            d.CreatedAt.ToUniversalTime(), d.StartedAt?.ToUniversalTime(), d.FinishedAt?.ToUniversalTime());
        return new CloudEvent("1.0", Id(item), source, TypePrefix + state, $"{d.App}/{d.Env}",
            item.Line.At.ToUniversalTime(), "application/json", data);
    }

    public static byte[] Bytes(CloudEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, NotifyJson.Default.CloudEvent);

    /// <summary>The <c>X-Deploybot-Signature</c> value: <c>sha256=</c> and the hex HMAC-SHA256 of the body.</summary>
    public static string Signature(string secret, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[BodyHmac.Length];
        BodyHmac.Compute(secret, body, mac);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// The deployment as it stood at the line's state: a line older than its deployment's end is sent without the
    /// end's result, release and message (an event is sent late after a webhook was down, and says what happened then).
    /// </summary>
    private static Deployment AsAt(FeedItem item)
    {
        var d = item.Deployment;
        if (item.Line.State is not { } state || state == d.State) return d;
        var started = state is DeploymentState.Queued or DeploymentState.Waiting or DeploymentState.AwaitingApproval ? null : d.StartedAt;
        return d with { State = state, StartedAt = started, FinishedAt = null, Message = null, Release = null, Url = null };
    }

    private static string? Redact(string? text, Redactor redactor) => text is null ? null : redactor.Redact(text);
}
