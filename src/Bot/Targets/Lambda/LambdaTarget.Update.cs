using System.Globalization;
using Bot.Text;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>The state of the function as the update leaves it.</summary>
public sealed class UpdateOutcome(LambdaConfiguration configuration)
{
    public LambdaConfiguration Configuration { get; set; } = configuration;
}

/// <summary>New code in, waited for like the <c>function_updated_v2</c> waiter; a conflicting update is waited out, never raced.</summary>
public sealed partial class LambdaTarget
{
    /// <summary>How often <c>LastUpdateStatus</c> is read (the waiter's delay) and for how long (its 300 attempts).</summary>
    public static readonly TimeSpan UpdatePoll = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan UpdateLimit = TimeSpan.FromMinutes(5);

    /// <summary>How often progress is said while Lambda updates.</summary>
    public static readonly TimeSpan UpdateNoticeEvery = TimeSpan.FromSeconds(5);

    public const int ConflictRetries = 5;

    private static readonly AliasRouting NoSplit = new(new Dictionary<string, double>());

    private IAsyncEnumerable<DeployEvent> UpdateCodeAsync(LambdaSettings s, UpdateCodeRequest code, UpdateOutcome outcome, CancellationToken ct) =>
        UpdateFunctionAsync(s, new FunctionUpdate("code", "Fix what it says (the package, the handler, the image) and deploy again.",
            (revision, c) => lambda.UpdateCodeAsync(s.Function, code with { RevisionId = revision }, c)), outcome, ct);

    /// <summary>
    /// Sends one update of <c>$LATEST</c> (new code, or a new environment) at the revision last read, and waits until Lambda
    /// has applied it. Another update in progress is waited out and the read repeated, never raced.
    /// </summary>
    private async IAsyncEnumerable<DeployEvent> UpdateFunctionAsync(LambdaSettings s, FunctionUpdate update, UpdateOutcome outcome, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            AwsApiException? conflict = null;
            try
            {
                outcome.Configuration = await update.Send(outcome.Configuration.RevisionId, ct).ConfigureAwait(false);
            }
            catch (AwsApiException e) when (e.Code is "ResourceConflictException" or "PreconditionFailedException" && attempt < ConflictRetries)
            {
                conflict = e;
            }
            if (conflict is null) break;
            yield return new Notice(conflict.Code == "ResourceConflictException"
                ? $"{s.Function} is busy with another update ({conflict.Reason}); waiting for it to finish, then sending the {update.What} again."
                : $"{s.Function} changed since it was read ({conflict.Reason}); reading it again before sending the {update.What}.", IsWarning: true);
            await foreach (var e in WaitForUpdateAsync(s, outcome, "waiting for the other update", ct).ConfigureAwait(false))
                yield return e;
        }
        if (outcome.Configuration.LastUpdateStatus is "InProgress" || outcome.Configuration.State is "Pending")
            await foreach (var e in WaitForUpdateAsync(s, outcome, $"updating {update.What}", ct).ConfigureAwait(false))
                yield return e;
        if (outcome.Configuration.LastUpdateStatus is "Failed" || outcome.Configuration.State is "Failed")
            throw new DeployFailedException(
                $"Lambda could not update {s.Function}: {outcome.Configuration.LastUpdateStatusReason ?? outcome.Configuration.StateReason ?? "no reason given"}" +
                (outcome.Configuration.LastUpdateStatusReasonCode is { } rc ? $" ({rc})" : "") + $". {s.Alias} was not moved.",
                update.FixHint);
    }

    /// <summary>One kind of update: what it is called in notices, what to do when Lambda fails it, and the call that sends it at a revision.</summary>
    private sealed record FunctionUpdate(string What, string FixHint, Func<string?, CancellationToken, Task<LambdaConfiguration>> Send);

    /// <summary>Reads the function every second until its last update is no longer in progress (five minutes at most).</summary>
    private async IAsyncEnumerable<DeployEvent> WaitForUpdateAsync(LambdaSettings s, UpdateOutcome outcome, string what, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var said = TimeSpan.Zero;
        while (true)
        {
            var now = await lambda.GetConfigurationAsync(s.Function, null, ct).ConfigureAwait(false);
            outcome.Configuration = now;
            if (now.LastUpdateStatus is not "InProgress" && now.State is not "Pending") yield break;
            var elapsed = time.GetElapsedTime(started);
            if (elapsed >= UpdateLimit)
                throw new DeployFailedException($"{s.Function} was still updating after {Format.Duration(UpdateLimit)} ({what}). {s.Alias} was not moved.",
                    "Look at the function in the AWS console, then deploy again.");
            if (elapsed - said >= UpdateNoticeEvery)
            {
                said = elapsed;
                yield return new Notice(string.Create(CultureInfo.InvariantCulture, $"{what} ({(int)elapsed.TotalSeconds}s)"));
            }
            await Task.Delay(UpdatePoll, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes exactly the code just sent (its sha and revision); an update still settling is waited out.</summary>
    private async Task<LambdaConfiguration> PublishAsync(LambdaSettings s, LambdaConfiguration updated, string description, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await lambda.PublishVersionAsync(s.Function, new PublishVersionRequest(updated.CodeSha256, description, updated.RevisionId), ct).ConfigureAwait(false);
            }
            catch (AwsApiException e) when (e.Code == "ResourceConflictException" && attempt < ConflictRetries)
            {
                await Task.Delay(UpdatePoll * (1 << attempt), time, ct).ConfigureAwait(false);
            }
            catch (AwsApiException e) when (e.Code == "PreconditionFailedException")
            {
                throw new DeployFailedException($"{s.Function} was changed by someone else while this deploy ran ({e.Reason}); nothing was published and {s.Alias} was not moved.",
                    "Check who else deploys it, then deploy again.");
            }
        }
    }

    /// <summary><c>#12 main@3f2a1c9; live was 7</c>, within Lambda's 256 characters.</summary>
    internal static string Describe(int number, string label, string alias, string previous)
    {
        var tail = $"; {alias} was {previous}";
        var head = string.Create(CultureInfo.InvariantCulture, $"#{number} {label}");
        return (head.Length + tail.Length > 256 ? head[..(256 - tail.Length)] : head) + tail;
    }

    /// <summary>The version <paramref name="alias"/> pointed at before the deploy that wrote <paramref name="description"/>.</summary>
    internal static string? PreviousOf(string? description, string alias) =>
        description is not null && WasMarker().Match(description) is { Success: true } m && m.Groups["alias"].Value == alias ? m.Groups["version"].Value : null;

    /// <summary><c>version 7</c>, <c>v7</c> or <c>7</c> → <c>7</c>.</summary>
    internal static string? VersionOf(string named)
    {
        var s = named.Trim();
        if (s.StartsWith("version ", StringComparison.OrdinalIgnoreCase)) s = s[8..].Trim();
        else if (s.StartsWith('v') || s.StartsWith('V')) s = s[1..];
        return s.Length > 0 && s.All(char.IsAsciiDigit) ? s.TrimStart('0') is { Length: > 0 } n ? n : null : null;
    }

    private static string SplitText(LambdaAlias a) =>
        a.Split is { } split ? string.Create(CultureInfo.InvariantCulture, $" (and {split.Weight * 100:0.#}% on version {split.Version})") : "";

    [GeneratedRegex(@"; (?<alias>[^\s;]+) was (?<version>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex WasMarker();

    internal static DeployFailedException Explain(AwsApiException e, AppEnvConfig app) => (e.Status, e.Code) switch
    {
        (_, "NoCredentials") => new DeployFailedException($"AWS: {e.Reason}.", "Give the bot credentials, then try again."),
        (_, "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException" or "SignatureDoesNotMatch") =>
            new DeployFailedException($"AWS did not accept the bot's credentials for {e.Call} ({e.Code}: {e.Reason}).", "Check the access key (or role) the bot runs with."),
        (403, _) or (_, "AccessDeniedException") => new DeployFailedException($"The bot's AWS identity may not call {e.Call}: {e.Reason}",
            $"Allow lambda:{e.Call} (and the other calls in the README) on {app.Section["Lambda:Function"]}, then try again."),
        (404, _) => new DeployFailedException($"AWS could not find what {e.Call} asked for ({e.Reason}).",
            $"Check `Lambda:Function` of {app.App} (now \"{app.Section["Lambda:Function"]}\") and AWS_REGION."),
        (0, _) or (>= 500, _) => new DeployFailedException($"AWS did not answer {e.Call} ({e.Reason}).", "AWS may be having trouble; try again in a few minutes."),
        _ => new DeployFailedException($"AWS refused {e.Call}: {e.Code}: {e.Reason}", $"Fix what it says, then try again; `status {app.App}` shows where things stand."),
    };
}
