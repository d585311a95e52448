using System.Globalization;
using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Targets.Config;

namespace Bot.Targets.Lambda;

/// <summary>
/// Config vars are the function's environment variables, read at the alias the app serves. A change is published like
/// a deploy: the alias's variables with the change laid over them go to <c>$LATEST</c> (nothing else of its
/// configuration is sent), a version is published, and the alias moves to it. So <c>rollback</c> puts the old
/// variables back by moving the alias to the version before, which has them.
/// </summary>
public sealed partial class LambdaTarget : IHasConfig
{
    /// <summary>How many versions back from the live one a listing looks for where each value was set.</summary>
    public const int ChangeHistoryVersions = 50;

    public async Task<ConfigListing> ReadConfigAsync(AppEnvConfig app, ConfigFingerprints fingerprints, CancellationToken cancellationToken)
    {
        var s = LambdaSettings.Read(app);
        var live = await LiveConfigurationAsync(app, s, cancellationToken).ConfigureAwait(false);
        var variables = live.Environment?.Variables ?? [];
        var versions = variables.Count == 0 ? [] : await Guard(app, () => lambda.ListVersionsAsync(s.Function, cancellationToken)).ConfigureAwait(false);
        var liveNumber = Number(live.Version);
        var back = versions.Where(v => Number(v.Version) <= liveNumber).OrderByDescending(v => Number(v.Version)).ToList();
        var complete = back.Count <= ChangeHistoryVersions;
        back = back.Take(ChangeHistoryVersions).ToList();
        var vars = variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
        {
            var since = SetIn(back, v.Key, v.Value, complete);
            return new ConfigVar(v.Key, fingerprints.Of(v.Key, v.Value), ChangedAt: since is null ? null : At(since.LastModified),
                ChangedIn: since is null ? null : $"version {since.Version}");
        }).ToList();
        return new ConfigListing(vars, $"Lambda environment of {s.Function}:{s.Alias}");
    }

    public string? CheckLimits(AppEnvConfig app, ConfigChange change)
    {
        if (change.Names.Select(LambdaVariables.CheckName).FirstOrDefault(why => why is not null) is { } refused) return refused;
        var size = LambdaVariables.Size(change.Set);
        return size > LambdaVariables.MaxBytes
            ? $"Lambda allows {LambdaVariables.MaxBytes} bytes (4 KB) of environment variables in all, names and values together; the variables set here alone are {size} bytes."
            : null;
    }

    public IAsyncEnumerable<DeployEvent> ChangeConfigAsync(ConfigChangeRequest request, CancellationToken cancellationToken) =>
        ChangeConfigCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => ExplainConfig(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> ChangeConfigCoreAsync(ConfigChangeRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var (app, s) = (request.App, LambdaSettings.Read(request.App));
        var started = time.GetTimestamp();
        var before = await AliasAsync(app, s, ct).ConfigureAwait(false);
        var live = await lambda.GetConfigurationAsync(s.Function, before.FunctionVersion, ct).ConfigureAwait(false);
        var latest = await lambda.GetConfigurationAsync(s.Function, null, ct).ConfigureAwait(false);
        // What gets published is $LATEST's code: only when it is the live version's does the change bring nothing else live.
        if (latest.CodeSha256 != live.CodeSha256)
            throw new DeployFailedException(
                $"$LATEST of {s.Function} holds other code than version {before.FunctionVersion}, which {s.Alias} serves (a deploy that did not go live leaves it so); publishing the new variables would put that code live too. Nothing was changed.",
                $"Deploy what should be live (`deploy {app.App}`), then set the variables again.");
        var next = request.Change.ApplyTo(live.Environment?.Variables ?? []);
        var size = LambdaVariables.Size(next);
        if (size > LambdaVariables.MaxBytes)
            throw new DeployFailedException(
                $"With this change the variables of {s.Function} would be {size} bytes; Lambda allows {LambdaVariables.MaxBytes} (4 KB) in all, so nothing was changed.",
                $"Unset what {app.App} no longer needs, or keep large values elsewhere (SSM Parameter Store, Secrets Manager) and set where to find them.");

        yield return new StepStarted("environment");
        var stepStarted = time.GetTimestamp();
        yield return new Notice($"{request.Change.Summary}: {next.Count} variable{(next.Count == 1 ? "" : "s")}, {size} of {LambdaVariables.MaxBytes} bytes.");
        var updated = new UpdateOutcome(latest);
        var update = new FunctionUpdate("environment", $"Fix what it says, then set the variables of {app.App} again.",
            (revision, c) => lambda.UpdateConfigurationAsync(s.Function, new UpdateConfigurationRequest(new FunctionEnvironment(next), revision), c));
        await foreach (var e in UpdateFunctionAsync(s, update, updated, ct).ConfigureAwait(false))
            yield return e;
        yield return new StepFinished("environment", time.GetElapsedTime(stepStarted));

        var sha = ShaOf(live.Description);
        var label = (sha is null ? "" : $"{sha} ") + $"config {request.Change.Summary}";
        var description = Describe(request.Number, request.By is { Length: > 0 } by ? $"{label} by {by}" : label, s.Alias, before.FunctionVersion);
        // Published by the live code's sha: if $LATEST's code changed meanwhile, Lambda refuses rather than publish it.
        var published = await PublishAsync(s, updated.Configuration with { CodeSha256 = live.CodeSha256 }, description, ct).ConfigureAwait(false);
        var version = published.Version!;
        yield return new Notice($"Published version {version} ({description}); {s.Alias} still points at version {before.FunctionVersion}.");
        yield return new GoingLive($"version {before.FunctionVersion}");
        await foreach (var e in MoveAliasAsync(app, s, before, version, ct).ConfigureAwait(false))
            yield return e;
        yield return new Notice(Moved(s, version, null, sha, started));
        yield return new Released($"version {version}", app.Url);
    }

    /// <summary>The configuration of the version the alias serves; a missing alias is a set-up step to tell about.</summary>
    private async Task<LambdaConfiguration> LiveConfigurationAsync(AppEnvConfig app, LambdaSettings s, CancellationToken ct)
    {
        try { return await lambda.GetConfigurationAsync(s.Function, s.Alias, ct).ConfigureAwait(false); }
        catch (AwsApiException e) when (e.Code == "ResourceNotFoundException")
        {
            throw new DeployFailedException($"Lambda found no {s.Function}:{s.Alias} ({e.Reason}).",
                $"Check `Lambda:Function` and `Lambda:Alias` of {app.App}; `deploy {app.App}` needs the alias too.");
        }
        catch (AwsApiException e) { throw Explain(e, app); }
    }

    /// <summary>
    /// The oldest version of the unbroken run, from the live one back, in which <paramref name="name"/> has this value;
    /// null when the run goes past the versions read (<paramref name="complete"/> false), where it began is not known.
    /// </summary>
    private static LambdaConfiguration? SetIn(List<LambdaConfiguration> back, string name, string value, bool complete) =>
        ConfigHistory.SetIn(back, version => version.Environment?.Variables?.GetValueOrDefault(name) == value, complete) is var i and >= 0 ? back[i] : null;

    private static long Number(string? version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;

    /// <summary>
    /// As <see cref="Explain"/>, except that Lambda's reason for refusing an environment is left out: it may quote the
    /// variables it measured, values included.
    /// </summary>
    private static DeployFailedException ExplainConfig(AwsApiException e, AppEnvConfig app) =>
        e.Call == "UpdateFunctionConfiguration" && e.Status is >= 400 and < 500 and not 403 && e.Code is not ("AccessDeniedException" or "PreconditionFailedException" or "ResourceConflictException")
            ? new DeployFailedException($"Lambda refused the new variables of {app.Section["Lambda:Function"]} ({e.Code}); nothing was published and the alias was not moved.",
                $"Check the names and sizes of the variables (`config {app.App}`), then try again.")
            : Explain(e, app);
}
