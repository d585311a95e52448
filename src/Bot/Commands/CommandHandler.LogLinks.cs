using System.Globalization;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Text;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    private const int LinkReplyLines = 10;

    /// <summary><c>logs web #42</c>: a fresh signed link to the deployment's page, and its last lines.</summary>
    private async Task<CommandResult> DeploymentLogAsync(AppEnvConfig env, int number, CancellationToken ct)
    {
        if (await Store.FindAsync(env.App, number, ct).ConfigureAwait(false) is not { } d)
            return CommandResult.Refuse($"{env.App} has no deployment #{number}. `history {env.App}` lists them.", new ChatAction("History", $"history {env.App}"));
        var card = new DeploymentCard(d, [], time.GetUtcNow());
        var tail = (await Store.TailAsync(d.Id, links.Enabled ? LinkReplyLines : LinkReplyLines * 2, ct).ConfigureAwait(false))
            .Select(e => redactor.Redact(e.Text)).ToList();
        var lasts = links.OnThisMachine ? "on this machine, while the bot runs" : $"the link works for {Lifetime(links.Lifetime)}";
        var text = links.Deployment(d.App, d.Number) is { } url
            ? $"{card.Title}\nFull log ({lasts}): {url}"
            : d.OutputRemoved is not null ? card.Title
            : $"{card.Title}\nThe bot has no public address (`BOT_PUBLIC_URL`), so there is no page to link to; here are its last lines.";
        // Pruned (Retention:Output): say when and under which setting instead of showing an empty excerpt.
        if (d.OutputRemoved is { } removed) text += "\n" + removed.Describe();
        return new CommandResult([new ChatMessage(text, card.Tone, [new ChatAction("History", $"history {d.App} in {d.Env}")], tail.Count == 0 ? null : tail, $"{d.App}-{d.Number}")], true);
    }

    private static string Lifetime(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays % 1 == 0 ? $"{t.TotalDays.ToString(CultureInfo.InvariantCulture)} day{(t.TotalDays == 1 ? "" : "s")}" : Format.Duration(t);
}
