using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// Promote: the version one environment's alias points at goes live in another as it is. On the same function that is
/// only the other alias moved; on another function the version's code (its zip, fetched from the presigned
/// <c>Code.Location</c>, or its image by digest) is sent there and published like a deploy's. Nothing is built.
/// </summary>
/// <remarks>
/// A promote announces <see cref="GoingLive"/> with the version its alias pointed at before, and a failed ending moves
/// the alias back there (<see cref="PutBackAsync"/>). Deploys keep their own safeguards (the alias moves last, a canary
/// puts itself back) and do not announce it.
/// </remarks>
public sealed partial class LambdaTarget : IPromotesArtifact, IPutsBack
{
    /// <summary>The version the environment's alias points at (<c>version 7</c>), with the commit its description names; null when the alias does not exist.</summary>
    public async Task<PromotableRelease?> LiveArtifactAsync(AppEnvConfig from, CancellationToken cancellationToken)
    {
        var s = LambdaSettings.Read(from);
        try
        {
            LambdaAlias alias;
            try { alias = await lambda.GetAliasAsync(s.Function, s.Alias, cancellationToken).ConfigureAwait(false); }
            catch (AwsApiException e) when (e.Code == "ResourceNotFoundException") { return null; }
            var live = await lambda.GetConfigurationAsync(s.Function, alias.FunctionVersion, cancellationToken).ConfigureAwait(false);
            return new PromotableRelease(alias.FunctionVersion, $"version {alias.FunctionVersion}", ShaOf(live.Description));
        }
        catch (AwsApiException e)
        {
            throw Explain(e, from);
        }
    }

    public IAsyncEnumerable<DeployEvent> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken) =>
        PromoteCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.To), cancellationToken);

    /// <summary>Moves the alias back to <paramref name="release"/> (<c>version 7</c>) after a promote that did not end in success.</summary>
    public IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, CancellationToken cancellationToken) =>
        PutBackCoreAsync(app, release, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, app), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> PromoteCoreAsync(PromoteRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var (from, to) = (LambdaSettings.Read(request.From), LambdaSettings.Read(request.To));
        var version = request.Artifact.Id;
        var sameFunction = SameFunction(from.Function, to.Function);
        if (sameFunction && from.Alias == to.Alias)
            throw PromoteRefusals.SamePlace(request.From, request.To, $"the alias {to.Alias} of {to.Function}", "Lambda:Alias");
        var started = time.GetTimestamp();
        var before = await AliasAsync(request.To, to, ct).ConfigureAwait(false);
        var shortSha = request.Artifact.Sha is { Length: > 7 } sha ? sha[..7] : request.Artifact.Sha;

        if (sameFunction)
        {
            yield return new Notice($"Moving {to.Alias} of {to.Function} from version {before.FunctionVersion}{SplitText(before)} to version {version}, where {from.Alias} points; nothing is built.");
            yield return new GoingLive($"version {before.FunctionVersion}");
            await foreach (var e in MoveAliasAsync(request.To, to, before, version, ct).ConfigureAwait(false))
                yield return e;
        }
        else
        {
            var code = new CodeOutcome();
            await foreach (var e in CodeOfAsync(request, from, to, code, ct).ConfigureAwait(false))
                yield return e;
            var current = await lambda.GetConfigurationAsync(to.Function, null, ct).ConfigureAwait(false);
            var label = (shortSha is null ? "" : $"{shortSha} ") + $"from {request.From.Env} version {version}";
            var description = Describe(request.Number, request.By is { Length: > 0 } by ? $"{label} by {by}" : label, to.Alias, before.FunctionVersion);
            var published = new PublishOutcome();
            await foreach (var e in PublishCodeAsync(request.To, to, current, before, code.Request!, description, published, ct).ConfigureAwait(false))
                yield return e;
            yield return new GoingLive($"version {before.FunctionVersion}");
            await foreach (var e in MoveAliasAsync(request.To, to, before, published.Version, ct).ConfigureAwait(false))
                yield return e;
            version = published.Version;
        }

        // Read back: the alias is what serves, so the card claims only what Lambda reports.
        var after = await lambda.GetAliasAsync(to.Function, to.Alias, ct).ConfigureAwait(false);
        if (after.FunctionVersion != version || after.Split is not null)
            throw new DeployFailedException($"Lambda reports {to.Alias} on version {after.FunctionVersion}{SplitText(after)}, not on version {version}.",
                $"Someone may have moved it meanwhile; type `status {request.To.App}` to see where it points.");
        yield return new Notice(Moved(to, version, null, shortSha, started));
        yield return new Released($"version {version}", request.To.Url);
    }

    /// <summary>The code of the promoted version, as <c>UpdateFunctionCode</c> takes it for the other function.</summary>
    private async IAsyncEnumerable<DeployEvent> CodeOfAsync(PromoteRequest request, LambdaSettings from, LambdaSettings to, CodeOutcome outcome,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var version = request.Artifact.Id;
        var source = await lambda.GetFunctionAsync(from.Function, ct, version).ConfigureAwait(false);
        if ((source.Code?.ResolvedImageUri ?? source.Code?.ImageUri) is { } image)
        {
            // By digest when Lambda resolved it: the tag may have moved since.
            outcome.Request = new UpdateCodeRequest(ImageUri: image);
            yield return new Notice($"Image {image}, from version {version} of {from.Function}.");
            yield break;
        }
        if (source.Code?.Location is not { } location)
            throw new DeployFailedException($"Lambda gave no code for version {version} of {from.Function}, so there is nothing to send to {to.Function}.",
                $"Deploy the same commit instead: `deploy {request.To.App} <sha> to {request.To.Env}`.");
        yield return new StepStarted("download");
        var downloadStarted = time.GetTimestamp();
        var zip = await aws.GetPresignedAsync("GetFunction", new Uri(location), ct).ConfigureAwait(false);
        yield return new StepFinished("download", time.GetElapsedTime(downloadStarted));
        if (to.S3Bucket is { } bucket)
        {
            var key = $"deploybot/{request.To.App}/{request.Number}-{LambdaSettings.ShortName(from.Function)}-{version}.zip";
            await aws.PutObjectAsync(bucket, key, zip, ct).ConfigureAwait(false);
            yield return new Notice($"Uploaded version {version} of {from.Function} ({LambdaBuild.Size(zip.Length)}) to s3://{bucket}/{key}.");
            outcome.Request = new UpdateCodeRequest(S3Bucket: bucket, S3Key: key);
        }
        else
        {
            yield return new Notice($"Fetched version {version} of {from.Function} ({LambdaBuild.Size(zip.Length)}).");
            outcome.Request = new UpdateCodeRequest(ZipFile: zip);
        }
    }

    private async IAsyncEnumerable<DeployEvent> PutBackCoreAsync(AppEnvConfig app, string release, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = LambdaSettings.Read(app);
        var version = VersionOf(release) ?? throw new DeployFailedException($"`{release}` is not a Lambda version, so {s.Alias} could not be moved back.",
            $"Type `history {app.App}` to see the versions, then `rollback {app.App} <version>`.");
        var alias = await AliasAsync(app, s, ct).ConfigureAwait(false);
        if (alias.FunctionVersion == version && alias.Split is null)
        {
            yield return new Notice($"{s.Alias} still points at version {version}; it never moved.");
            yield return PutBackEnded.NothingToUndo;
            yield break;
        }
        yield return new Notice($"Moving {s.Alias} from version {alias.FunctionVersion}{SplitText(alias)} back to version {version}.");
        await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(version, NoSplit, alias.RevisionId), ct).ConfigureAwait(false);
        yield return new Notice($"{s.Alias} → version {version} again.");
        // Lambda serves the version as soon as the alias points at it; there is no health check to run.
        yield return PutBackEnded.Restored(healthChecked: false);
    }

    /// <summary>Two names of one function: the same name, or the same ARN (a name and an ARN are compared by the ARN's name).</summary>
    private static bool SameFunction(string a, string b) =>
        a.StartsWith("arn:", StringComparison.Ordinal) && b.StartsWith("arn:", StringComparison.Ordinal)
            ? string.Equals(a, b, StringComparison.Ordinal)
            : string.Equals(LambdaSettings.ShortName(a), LambdaSettings.ShortName(b), StringComparison.Ordinal);

    /// <summary>The commit a version published by the bot was made from: <c>#12 main@3f2a1c9 by …; live was 7</c> → <c>3f2a1c9</c>.</summary>
    internal static string? ShaOf(string? description) =>
        description is not null && ShaMarker().Match(description) is { Success: true } m ? m.Groups["sha"].Value : null;

    [GeneratedRegex(@"^#\d+ (?:\S+@)?(?<sha>[0-9a-f]{7,40})(?=[\s;]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex ShaMarker();

    private sealed class CodeOutcome
    {
        public UpdateCodeRequest? Request { get; set; }
    }
}
