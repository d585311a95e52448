using Bot.Text;
using Bot.Configuration;
using Bot.Deployments;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    private async Task<CommandResult> AlertListAsync(string? app, CancellationToken ct, Origin? viewer = null)
    {
        var now = time.GetUtcNow();
        var list = await Store.AlertsAsync(app, 10, ct).ConfigureAwait(false);
        if (viewer is not null) list = list.Where(a => apps.Find(a.App) is not { } known || access.May(Role.View, known.Default, viewer)).ToList();
        if (list.Count == 0)
            return CommandResult.Reply(app is null ? "No alerts so far." : $"No alerts for {app} so far.", Tone.Info);
        var lines = list.Select(a =>
        {
            var card = new AlertCard(a, now);
            var state = a.State == AlertState.Resolved ? "resolved" : "firing";
            return $"{card.Emoji} {a.App}{(a.Env is null ? "" : " " + a.Env)}: {a.Title} · ×{a.Count} · {state} · since {Format.Clock(a.FirstAt, now)}{(a.Muted ? " · muted" : "")}";
        }).ToList();
        var muted = app is null ? null : await alerts.MutedUntilAsync(app, ct).ConfigureAwait(false);
        var text = (list.Count == 1 ? "The last alert" : $"The last {list.Count} alerts") + $"{(app is null ? "" : $" for {app}")}:" + (muted is { } until ? $" (muted until {Format.Clock(until, now)})" : "");
        ChatAction[] actions = app is null ? [] : muted is null ? [new("Mute 1h", $"mute {app} 1h")] : [new("Unmute", $"unmute {app}")];
        return new CommandResult([new ChatMessage(text, Tone.Info, actions, lines, "alerts")], true);
    }

    private async Task<CommandResult> MuteAsync(AppEnvConfig app, MuteCommand c, Origin origin, CancellationToken ct)
    {
        if (access.CheckDeployer(app, origin, c.Mute ? "mute alerts of" : "unmute alerts of") is { } no) return CommandResult.Refuse(no);
        var now = time.GetUtcNow();
        if (!c.Mute)
        {
            var was = await alerts.MutedUntilAsync(app.App, ct).ConfigureAwait(false);
            await alerts.MuteAsync(app.App, null, ct).ConfigureAwait(false);
            return CommandResult.Reply(was is null ? $"Alerts for {app.App} were not muted." : $"🔔 Alerts for {app.App} are on again.", Tone.Success);
        }
        var until = now + (c.For ?? TimeSpan.FromHours(1));
        await alerts.MuteAsync(app.App, until, ct).ConfigureAwait(false);
        return CommandResult.Reply($"🔕 Alerts for {app.App} are muted until {Format.Clock(until, now)}. They are still recorded (`alerts {app.App}`); `unmute {app.App}` to hear them again.",
            Tone.Warning, new ChatAction("Unmute", $"unmute {app.App}"));
    }
}
