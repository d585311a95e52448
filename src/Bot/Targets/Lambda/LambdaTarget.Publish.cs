using System.Runtime.CompilerServices;
using System.Text;
using Bot.Configuration;
using Bot.Text;

namespace Bot.Targets.Lambda;

/// <summary>
/// New code to a published version and the alias moved to it, whatever the code came from: a deploy's build or image, or
/// a promote's copy of another function's version.
/// </summary>
public sealed partial class LambdaTarget
{
    /// <summary>Sends the code, waits until Lambda has it, publishes it as a version and smoke-tests that version when asked.</summary>
    private async IAsyncEnumerable<DeployEvent> PublishCodeAsync(AppEnvConfig app, LambdaSettings s, LambdaConfiguration current, LambdaAlias before,
        UpdateCodeRequest code, string description, PublishOutcome outcome, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new StepStarted("update");
        var updateStarted = time.GetTimestamp();
        var updated = new UpdateOutcome(current);
        await foreach (var e in UpdateCodeAsync(s, code, updated, ct).ConfigureAwait(false))
            yield return e;
        yield return new StepFinished("update", time.GetElapsedTime(updateStarted));

        var published = await PublishAsync(s, updated.Configuration, description, ct).ConfigureAwait(false);
        var version = published.Version!;
        yield return new Notice($"Published version {version} ({description}); {s.Alias} still points at version {before.FunctionVersion}.");

        if (s.Smoke is { } payload)
        {
            yield return new StepStarted("smoke");
            var smokeStarted = time.GetTimestamp();
            var answer = await lambda.InvokeAsync(s.Function, version, Encoding.UTF8.GetBytes(payload), ct).ConfigureAwait(false);
            if (answer.FunctionError is { Length: > 0 } error)
                throw new DeployFailedException(
                    $"Version {version} failed its smoke test ({error}: {answer.PayloadText()}). {s.Alias} was not moved: it still points at version {before.FunctionVersion}.",
                    $"Type `logs {app.App} grep ERROR` to see why, fix it, and deploy again.");
            yield return new StepFinished("smoke", time.GetElapsedTime(smokeStarted));
        }
        (outcome.Version, outcome.CodeSize) = (version, published.CodeSize ?? updated.Configuration.CodeSize);
    }

    /// <summary>Moves the alias from where it was to <paramref name="version"/>: straight, or through a canary when the app has one.</summary>
    private async IAsyncEnumerable<DeployEvent> MoveAliasAsync(AppEnvConfig app, LambdaSettings s, LambdaAlias before, string version,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (s.Canary is { } percent)
        {
            await foreach (var e in CanaryAsync(app, s, before, version, percent, ct).ConfigureAwait(false))
                yield return e;
        }
        else
        {
            await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(version, NoSplit, before.RevisionId), ct).ConfigureAwait(false);
        }
    }

    /// <summary><c>live → version 8 · code 1.2 MB · 3f2a1c9 · 42s.</c></summary>
    private string Moved(LambdaSettings s, string version, long? size, string? shortSha, long started) =>
        $"{s.Alias} → version {version}" + (size is { } n ? $" · code {LambdaBuild.Size(n)}" : "") +
        (shortSha is { } sha ? $" · {sha}" : "") + $" · {Format.Duration(time.GetElapsedTime(started))}.";

    /// <summary>The version just published and its code size; set once publishing (and the smoke test) succeeded.</summary>
    private sealed class PublishOutcome
    {
        public string Version { get; set; } = "";
        public long? CodeSize { get; set; }
    }
}
