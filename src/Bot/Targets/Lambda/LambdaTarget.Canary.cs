using System.Globalization;
using Bot.Text;
using System.Runtime.CompilerServices;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// A canary: the alias keeps the old version and sends <c>Canary</c> % to the new one for <c>CanaryMinutes</c>, while
/// the alarms are read; an alarm in ALARM puts the alias back, the end of the wait (or <c>promote app canary</c>, which
/// moves the alias itself, seen here on the next look) sends everything to the new version. Whatever ends the deploy
/// otherwise (cancel, shutdown) also puts the alias back: a canary is never left half-way by the bot.
/// </summary>
public sealed partial class LambdaTarget
{
    /// <summary>How often the alarms and the alias are read during a canary.</summary>
    public static readonly TimeSpan CanaryPoll = TimeSpan.FromSeconds(10);

    private async IAsyncEnumerable<DeployEvent> CanaryAsync(AppEnvConfig app, LambdaSettings s, LambdaAlias before, string version, int percent,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var old = before.FunctionVersion;
        var split = new AliasRouting(new Dictionary<string, double> { [version] = percent / 100.0 });
        await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(old, split, before.RevisionId), ct).ConfigureAwait(false);
        var end = time.GetUtcNow() + s.CanaryTime;
        yield return new StepStarted("canary");
        yield return new Notice(string.Create(CultureInfo.InvariantCulture,
            $"Canary: {percent}% of {s.Alias} on version {version}, {100 - percent}% on version {old}, for {Format.Duration(s.CanaryTime)}") +
            (s.Alarms.Count > 0 ? $", watching {string.Join(", ", s.Alarms)}" : " (no alarms to watch)") +
            $". Type `promote {app.App} canary` to go now, or `cancel {app.App}` to roll back.");

        var outcome = new CanaryOutcome();
        var restored = false;
        try
        {
            await foreach (var e in WatchAsync(app, s, old, version, end, outcome, ct).ConfigureAwait(false))
                yield return e;
            if (outcome.Alarm is { } alarm)
            {
                await RestoreAsync(s, old).ConfigureAwait(false);
                restored = true;
                throw new DeployFailedException(
                    $"Alarm {alarm.AlarmName} went off during the canary ({alarm.StateReason ?? "no reason given"}). {s.Alias} is back on version {old}; version {version} gets no traffic.",
                    $"Type `logs {app.App} grep ERROR` to see why, fix it, and deploy again.");
            }
            if (!outcome.PromotedByHand)
                await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(version, NoSplit), ct).ConfigureAwait(false);
            outcome.Promoted = true;
        }
        finally
        {
            // Cancelled, shut down or failed while the split was up: the old version takes all the traffic again.
            if (!restored && !outcome.Promoted && !outcome.LeftAlone) await RestoreAsync(s, old).ConfigureAwait(false);
        }
        yield return new StepFinished("canary", s.CanaryTime - (end - time.GetUtcNow() is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero));
    }

    private sealed class CanaryOutcome
    {
        public MetricAlarm? Alarm { get; set; }
        public bool PromotedByHand { get; set; }
        public bool Promoted { get; set; }

        /// <summary>Someone else moved the alias: it is theirs now.</summary>
        public bool LeftAlone { get; set; }
    }

    private async IAsyncEnumerable<DeployEvent> WatchAsync(AppEnvConfig app, LambdaSettings s, string old, string version, DateTimeOffset end, CanaryOutcome outcome,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var missingSaid = false;
        while (true)
        {
            if (s.Alarms.Count > 0)
            {
                var alarms = await cloudWatch.DescribeAlarmsAsync(s.Alarms, ct).ConfigureAwait(false);
                if (alarms.FirstOrDefault(a => a.StateValue == "ALARM") is { } firing)
                {
                    outcome.Alarm = firing;
                    yield break;
                }
                var missing = s.Alarms.Where(n => alarms.All(a => a.AlarmName != n)).ToList();
                if (missing.Count > 0 && !missingSaid)
                {
                    missingSaid = true;
                    yield return new Notice($"CloudWatch has no alarm named {string.Join(", ", missing)}; the canary cannot watch it.", IsWarning: true);
                }
            }
            var alias = await lambda.GetAliasAsync(s.Function, s.Alias, ct).ConfigureAwait(false);
            if (alias.FunctionVersion == version && alias.Split is null)
            {
                outcome.PromotedByHand = true;
                yield return new Notice($"Promoted early: {s.Alias} sends all traffic to version {version}.");
                yield break;
            }
            if (alias.FunctionVersion != old || alias.Split?.Version != version)
            {
                outcome.LeftAlone = true;
                throw new DeployFailedException($"{s.Alias} was changed by someone else during the canary (now version {alias.FunctionVersion}{SplitText(alias)}); the bot left it as it is.",
                    $"Type `status {app.App}` to see where it points.");
            }
            var left = end - time.GetUtcNow();
            if (left <= TimeSpan.Zero) yield break;
            yield return new Notice(string.Create(CultureInfo.InvariantCulture,
                $"Canary: {alias.Split.Value.Weight * 100:0.#}% on version {version}, {Format.Duration(left)} left{(s.Alarms.Count > 0 ? "; alarms quiet" : "")}."));
            await Task.Delay(left < CanaryPoll ? left : CanaryPoll, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Puts all traffic back on <paramref name="old"/>, even when the deploy's own token has fired.</summary>
    private async Task RestoreAsync(LambdaSettings s, string old)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
        await lambda.UpdateAliasAsync(s.Function, s.Alias, new UpdateAliasRequest(old, NoSplit), patience.Token).ConfigureAwait(false);
    }
}
