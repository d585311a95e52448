using System.Runtime.CompilerServices;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// Deploys a Lambda function the way serverless users do by hand: new code (a zip built from the commit, or an image),
/// wait until Lambda has it, publish a version, optionally smoke-test it, then move the alias (straight, or weighted for
/// a canary watched against CloudWatch alarms). Rollback moves the alias back; nothing is rebuilt.
/// </summary>
/// <remarks>
/// Each published version's description ends with <c>"live was 7"</c>: where the alias pointed before this deploy. A
/// plain <c>rollback</c> reads it from the version the alias points at now, so it survives restarts, needs nothing in the
/// bot's store, and never guesses from version numbers (another alias's versions are not ours).
/// </remarks>
public sealed partial class LambdaTarget(LambdaApi lambda, CloudWatchApi cloudWatch, AwsClient aws, BotOptions bot, TimeProvider time)
    : IDeployTarget, IHasReleases, IHasStatus, ICanPromote, ICleansUpInterrupted
{
    public string Kind => "lambda";

    public void Validate(AppEnvConfig app)
    {
        LambdaSettings.Read(app);
        aws.Options.RequireRegion($"{app.App} deploys to AWS Lambda");
        // A task's Payload that is not JSON stops startup here rather than failing its first run.
        foreach (var task in app.Tasks.Values) TaskPayload.Of(task);
    }

    public IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, CancellationToken cancellationToken) =>
        DeployCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.App), cancellationToken);

    public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) =>
        RollbackCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> DeployCoreAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = LambdaSettings.Read(request.App);
        var started = time.GetTimestamp();
        var function = await lambda.GetFunctionAsync(s.Function, ct).ConfigureAwait(false);
        var before = await AliasAsync(request.App, s, ct).ConfigureAwait(false);

        UpdateCodeRequest code;
        if (s.ImageUri is { } template)
        {
            var sha = request.Commit?.Sha ?? request.Ref ?? "latest";
            code = new UpdateCodeRequest(ImageUri: template.Replace("{sha}", sha, StringComparison.Ordinal)
                .Replace("{ref}", request.Commit?.Ref ?? request.Ref ?? "", StringComparison.Ordinal));
            yield return new Notice($"Image {code.ImageUri}.");
        }
        else
        {
            if (request.Commit is null || request.Source is null)
                throw new DeployFailedException($"{request.App.App} has no commit to build.", $"Set `Repository` of {request.App.App}, or give `Lambda:ImageUri`.");
            var built = new BuildOutcome();
            await foreach (var e in LambdaBuild.RunAsync(bot.DataDir, request, s, built, time, ct).ConfigureAwait(false))
                yield return e;
            if (built.Failure is { } why)
                throw new DeployFailedException($"{why}. Nothing was changed: {s.Alias} still points at version {before.FunctionVersion}.",
                    $"Fix the build and type `deploy {request.App.App}` again.");
            if (s.S3Bucket is { } bucket)
            {
                var key = $"deploybot/{request.App.App}/{request.Number}-{request.Commit.ShortSha}.zip";
                await aws.PutObjectAsync(bucket, key, built.Zip!, ct).ConfigureAwait(false);
                yield return new Notice($"Uploaded to s3://{bucket}/{key}.");
                code = new UpdateCodeRequest(S3Bucket: bucket, S3Key: key);
            }
            else
            {
                code = new UpdateCodeRequest(ZipFile: built.Zip);
            }
        }

        var label = request.Commit?.Label ?? request.Ref ?? "the given image";
        var description = Describe(request.Number, request.By is { Length: > 0 } by ? $"{label} by {by}" : label, s.Alias, before.FunctionVersion);
        var published = new PublishOutcome();
        await foreach (var e in PublishCodeAsync(request.App, s, function.Configuration, before, code, description, published, ct).ConfigureAwait(false))
            yield return e;
        await foreach (var e in MoveAliasAsync(request.App, s, before, published.Version, ct).ConfigureAwait(false))
            yield return e;
        yield return new Notice(Moved(s, published.Version, published.CodeSize, request.Commit?.ShortSha, started));
        yield return new Released($"version {published.Version}", request.App.Url);
    }

    private async IAsyncEnumerable<DeployEvent> RollbackCoreAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = LambdaSettings.Read(request.App);
        var alias = await AliasAsync(request.App, s, ct).ConfigureAwait(false);
        var current = alias.FunctionVersion;
        string target;
        if (request.Release is { } named)
        {
            target = VersionOf(named) ?? throw new DeployFailedException($"`{named}` is not a Lambda version.",
                $"Type `history {request.App.App}` to see the versions, then `rollback {request.App.App} <version>`.");
            try { await lambda.GetConfigurationAsync(s.Function, target, ct).ConfigureAwait(false); }
            catch (AwsApiException e) when (e.Code == "ResourceNotFoundException")
            {
                throw new DeployFailedException($"{s.Function} has no version {target}.", $"Type `history {request.App.App}` to see its versions.");
            }
        }
        else
        {
            var live = await lambda.GetConfigurationAsync(s.Function, current, ct).ConfigureAwait(false);
            target = PreviousOf(live.Description, s.Alias) ?? throw new DeployFailedException(
                $"Version {current} was not published by this bot, so I don't know where {s.Alias} pointed before it.",
                $"Name the version: `rollback {request.App.App} <version>` (`history {request.App.App}` lists them).");
        }
        if (target == current && alias.Split is null)
            throw new DeployFailedException($"{s.Alias} already points at version {target}.", $"Type `history {request.App.App}` to pick another version.");
        yield return new Notice($"Moving {s.Alias} from version {current}{SplitText(alias)} back to version {target}.");
        await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(target, NoSplit, alias.RevisionId), ct).ConfigureAwait(false);
        yield return new Notice($"{s.Alias} → version {target}.");
        yield return new Released($"version {target}", request.App.Url);
    }

    /// <summary>The alias the app moves; a missing one is a set-up step to tell about, not a crash.</summary>
    private async Task<LambdaAlias> AliasAsync(AppEnvConfig app, LambdaSettings s, CancellationToken ct)
    {
        try { return await lambda.GetAliasAsync(s.Function, s.Alias, ct).ConfigureAwait(false); }
        catch (AwsApiException e) when (e.Code == "ResourceNotFoundException")
        {
            throw new DeployFailedException($"{s.Function} has no alias {s.Alias} ({e.Reason}).",
                $"Create it once (`aws lambda create-alias --function-name {s.Function} --name {s.Alias} --function-version 1`), or set `Lambda:Alias` of {app.App}.");
        }
    }
}
