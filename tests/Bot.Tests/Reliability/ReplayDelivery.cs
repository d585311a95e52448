using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Tests.Chat.Line;
using Bot.Tests.Chat.Slack;

namespace Bot.Tests.Reliability;

public enum Via { Slash, Button, Mention, LineUser, LineGroup, LinePostback }

public enum Effect { Read, Deploy, Lock, Unlock }

/// <summary>
/// One distinct delivery: a command from a conversation of its own (so everything it causes can be traced back to it),
/// which must be handled exactly once however often it arrives.
/// </summary>
public sealed class Delivery(int id, int round, Via via, Effect effect, string app, string command)
{
    public int Id => id;
    public int Round => round;
    public Via Via => via;
    public Effect Effect => effect;
    public string App => app;
    public string Command => command;

    /// <summary>How many times it has been sent so far; each LINE copy gets a reply token of its own.</summary>
    public int Copies { get; set; }

    public bool IsSlack => via is Via.Slash or Via.Button or Via.Mention;

    public string Conversation => via switch
    {
        Via.LineUser or Via.LinePostback => $"U{id:x32}",
        Via.LineGroup => $"C{id:x32}",
        _ => $"C0R{id:D6}",
    };

    public string ResponseUrl => $"https://hooks.slack.test/actions/T0TEAM/{id}/replay";

    public string ReplyToken(int copy) => $"rt-{id}-{copy}";

    public string SlackPath => via switch { Via.Slash => "/slack/commands", Via.Button => "/slack/interactions", _ => "/slack/events" };

    /// <summary>The Slack request body, made once: a retry carries the same bytes.</summary>
    public string SlackBody => _slackBody ??= via switch
    {
        Via.Slash when effect == Effect.Deploy => SlackPayloads.SlashCommand("/deploy", app, channel: Conversation, trigger: $"{id}.{round}.replay"),
        Via.Slash => SlackPayloads.SlashCommand("/ops", command, channel: Conversation, trigger: $"{id}.{round}.replay"),
        Via.Button => SlackPayloads.BlockAction(command, channel: Conversation, actionTs: $"1700000000.{id:D6}", responseUrl: ResponseUrl),
        _ => SlackPayloads.AppMention($"<@U0BOT00001> {command}", $"Ev0R{id:D6}", channel: Conversation).ToJsonString(),
    };

    private string? _slackBody;

    /// <summary>The LINE event; every copy after the first is marked as a redelivery.</summary>
    public JsonObject LineEvent(int copy)
    {
        var eventId = $"01JR{id:D22}";
        var e = via switch
        {
            Via.LinePostback => LinePayloads.Postback("cmd:" + command, eventId, ReplyToken(copy), LinePayloads.Source(null, Conversation)),
            Via.LineGroup => LinePayloads.Text(command, eventId, ReplyToken(copy), LinePayloads.Source(Conversation)),
            _ => LinePayloads.Text(command, eventId, ReplyToken(copy), LinePayloads.Source(null, Conversation)),
        };
        e["deliveryContext"] = new JsonObject { ["isRedelivery"] = copy > 0 };
        return e;
    }

    public override string ToString() => $"#{id} (round {round}, {via}, `{command}` in {Conversation})";
}

/// <summary>One HTTP request of the run: a Slack delivery (first or a retry) or a LINE webhook with one or more events.</summary>
public sealed class Send(IReadOnlyList<(Delivery Delivery, int Copy)> items)
{
    public IReadOnlyList<(Delivery Delivery, int Copy)> Items => items;
    public bool IsSlack => items[0].Delivery.IsSlack;
    public bool HasCopies => items.Any(i => i.Copy > 0);
    public int Status { get; set; }
    public string Answer { get; set; } = "";
}
