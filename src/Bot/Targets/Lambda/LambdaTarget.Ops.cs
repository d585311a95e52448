using System.Globalization;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary><c>history</c> (versions with their descriptions and the aliases on them), <c>status</c> and <c>promote</c>.</summary>
public sealed partial class LambdaTarget
{
    public async Task<IReadOnlyList<TargetRelease>> ListReleasesAsync(AppEnvConfig app, int count, CancellationToken cancellationToken)
    {
        var s = LambdaSettings.Read(app);
        var (versions, aliases) = await Guard(app, async () => (
            await lambda.ListVersionsAsync(s.Function, cancellationToken).ConfigureAwait(false),
            await lambda.ListAliasesAsync(s.Function, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
        var live = aliases.FirstOrDefault(a => a.Name == s.Alias);
        return versions
            .OrderByDescending(v => long.TryParse(v.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Take(Math.Max(1, count))
            .Select(v =>
            {
                var on = aliases.Where(a => a.FunctionVersion == v.Version || a.Split?.Version == v.Version)
                    .Select(a => a.FunctionVersion == v.Version ? a.Name : string.Create(CultureInfo.InvariantCulture, $"{a.Name} {a.Split!.Value.Weight * 100:0.#}%"))
                    .ToList();
                var description = string.IsNullOrEmpty(v.Description) ? "" : v.Description;
                return new TargetRelease($"version {v.Version}", description, null, At(v.LastModified), live?.FunctionVersion == v.Version,
                    on.Count > 0 ? "← " + string.Join(", ", on) : null);
            })
            .ToList();
    }

    /// <summary>Lines for <c>status</c>: the alias and its split, then the function's state and last update.</summary>
    public async Task<IReadOnlyList<string>> DescribeAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        var s = LambdaSettings.Read(app);
        try
        {
            var alias = await lambda.GetAliasAsync(s.Function, s.Alias, cancellationToken).ConfigureAwait(false);
            var function = await lambda.GetConfigurationAsync(s.Function, null, cancellationToken).ConfigureAwait(false);
            var route = alias.Split is { } split
                ? string.Create(CultureInfo.InvariantCulture, $"version {alias.FunctionVersion} {100 - split.Weight * 100:0.#}% · version {split.Version} {split.Weight * 100:0.#}% (canary)")
                : $"version {alias.FunctionVersion}";
            var lines = new List<string> { $"Lambda {s.Function}: {s.Alias} → {route}" };
            var state = $"State {function.State ?? "?"}, last update {function.LastUpdateStatus ?? "?"}" +
                (function.LastUpdateStatusReason is { Length: > 0 } why && function.LastUpdateStatus != "Successful" ? $" ({why})" : "") +
                (function.Runtime is { } rt ? $", {rt}" : function.PackageType is { } pt ? $", {pt}" : "") +
                (function.CodeSize is { } size ? $", code {LambdaBuild.Size(size)}" : "");
            lines.Add(state);
            if (alias.Split is not null) lines.Add($"A canary is running. Type `promote {app.App} canary` to send it all the traffic.");
            return lines;
        }
        catch (AwsApiException e)
        {
            var why = Explain(e, app);
            return [$"Lambda {s.Function}: could not ask for its state. {why.Message} {why.Hint}"];
        }
    }

    /// <summary>Ends a canary now: the alias sends everything to the version it splits off. The running deploy sees it and finishes.</summary>
    public async Task<string> PromoteAsync(AppEnvConfig app, string? what, CancellationToken ct)
    {
        if (what is not null && !what.Equals("canary", StringComparison.OrdinalIgnoreCase))
            throw new DeployFailedException($"Lambda apps can promote a canary, not `{what}`.", $"Type `promote {app.App} canary`.");
        var s = LambdaSettings.Read(app);
        var alias = await Guard(app, () => lambda.GetAliasAsync(s.Function, s.Alias, ct)).ConfigureAwait(false);
        if (alias.Split is not { } split)
            throw new DeployFailedException($"No canary is running for {app.App}: {s.Alias} sends all traffic to version {alias.FunctionVersion}.",
                $"Type `status {app.App}` to see it.");
        await Guard(app, () => lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(split.Version, NoSplit, alias.RevisionId), ct)).ConfigureAwait(false);
        return $"Promoted version {split.Version}: {s.Alias} sends all traffic to it (version {alias.FunctionVersion} gets none).";
    }

    /// <summary>Lambda writes <c>2024-05-01T12:00:01.123+0000</c>; the offset gets its colon so it parses.</summary>
    internal static DateTimeOffset At(string? lastModified)
    {
        if (lastModified is { Length: > 5 } t && t[^5] is '+' or '-' && t[^4..].All(char.IsAsciiDigit)) t = t[..^2] + ":" + t[^2..];
        else t = lastModified ?? "";
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UnixEpoch;
    }

    /// <summary>A call made for a chat verb: AWS's refusal becomes the answer's text.</summary>
    private static async Task<T> Guard<T>(AppEnvConfig app, Func<Task<T>> call)
    {
        try { return await call().ConfigureAwait(false); }
        catch (AwsApiException e) { throw Explain(e, app); }
    }
}
