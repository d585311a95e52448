using System.Globalization;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// After the bot died during a deploy: the version that deployment published is found by its description
/// (<c>#12 …; live was 7</c>). A canary it left splitting the alias, or an alias it had already moved, is put back on
/// the version live before it, with all the traffic: an interrupted deploy never stays half-way, nor live unwatched.
/// A version published but never given traffic is only reported.
/// </summary>
public sealed partial class LambdaTarget
{
    public async Task<string?> CleanUpAsync(AppEnvConfig app, int number, CancellationToken cancellationToken)
    {
        var s = LambdaSettings.Read(app);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"#{number} ");
        var versions = await lambda.ListVersionsAsync(s.Function, cancellationToken).ConfigureAwait(false);
        var mine = versions.LastOrDefault(v => v.Description?.StartsWith(prefix, StringComparison.Ordinal) == true && PreviousOf(v.Description, s.Alias) is not null);
        if (mine?.Version is not { } version) return null;
        var previous = PreviousOf(mine.Description, s.Alias)!;
        var alias = await lambda.GetAliasAsync(s.Function, s.Alias, cancellationToken).ConfigureAwait(false);
        var canary = alias.Split?.Version == version;
        if (!canary && alias.FunctionVersion != version)
            return $"Version {version} was published, but {s.Alias} never moved to it: {s.Alias} still points at version {alias.FunctionVersion}{SplitText(alias)}.";
        // A canary goes back to the version that kept most of the traffic; an alias already moved, to the one before.
        var back = canary ? alias.FunctionVersion : previous;
        await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(back, NoSplit, alias.RevisionId), cancellationToken).ConfigureAwait(false);
        return canary
            ? string.Create(CultureInfo.InvariantCulture,
                $"Its canary was stopped: {s.Alias} had {alias.Split!.Value.Weight * 100:0.#}% on version {version}; it is back on version {back} with all the traffic.")
            : $"{s.Alias} had moved to version {version} before the bot stopped; it is back on version {back}, the version live before this deploy.";
    }
}
