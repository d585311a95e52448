using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Chat.Slack;

/// <summary>Slack's own sample payloads (field shapes from its Java SDK), filled in with the values a test needs.</summary>
public static class SlackPayloads
{
    private static JsonObject Load(string relative) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Specs.PathOf($"slack/java-slack-sdk-samples/{relative}")))!;

    /// <summary>A slash command form body built from every field of the sample payload.</summary>
    public static string SlashCommand(string command, string text, string user = "U0ALICE", string channel = "C0DEPLOY", string? trigger = null)
    {
        var sample = Load("app-backend/slash-commands/SlashCommandPayload.json");
        sample["token"] = "verification-token-unused";
        sample["team_id"] = "T0TEAM";
        sample["team_domain"] = "acme";
        sample["channel_id"] = channel;
        sample["channel_name"] = "deploys";
        sample["user_id"] = user;
        sample["user_name"] = user.ToLowerInvariant();
        sample["command"] = command;
        sample["text"] = text;
        sample["response_url"] = "https://hooks.slack.test/commands/T0TEAM/1/abc";
        sample["trigger_id"] = trigger ?? $"{Guid.NewGuid():N}.1.x";
        sample["api_app_id"] = "A0BOT";
        return string.Join('&', sample.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value?.ToString() ?? "")}"));
    }

    public static JsonObject AppMention(string text, string eventId, string user = "U0ALICE", string channel = "C0DEPLOY")
    {
        var envelope = Load("events/AppMentionPayload.json");
        envelope["type"] = "event_callback";
        envelope["event_id"] = eventId;
        envelope["team_id"] = "T0TEAM";
        var e = (JsonObject)envelope["event"]!;
        e["type"] = "app_mention";
        e["user"] = user;
        e["text"] = text;
        e["channel"] = channel;
        e["ts"] = "1700000000.000100";
        e.Remove("thread_ts");
        // The sample lists every field ever seen; a person's message has no bot fields or subtype.
        e.Remove("bot_id");
        e.Remove("bot_profile");
        e.Remove("subtype");
        e.Remove("app_id");
        return envelope;
    }

    public static JsonObject DirectMessage(string text, string eventId, string user = "U0ALICE")
    {
        var envelope = Load("events/MessagePayload.json");
        envelope["type"] = "event_callback";
        envelope["event_id"] = eventId;
        var e = (JsonObject)envelope["event"]!;
        foreach (var key in new[] { "bot_id", "bot_profile", "subtype", "app_id", "thread_ts", "parent_user_id" }) e.Remove(key);
        e["type"] = "message";
        e["channel_type"] = "im";
        e["channel"] = "D0ALICE";
        e["user"] = user;
        e["text"] = text;
        e["ts"] = "1700000001.000200";
        return envelope;
    }

    /// <summary>The form body of a button tap whose value is a command.</summary>
    public static string BlockAction(string command, string user = "U0ALICE", string channel = "C0DEPLOY", string actionTs = "1700000002.000300",
        string responseUrl = "https://hooks.slack.test/actions/T0TEAM/2/def")
    {
        var payload = Load("app-backend/interactive-components/BlockActionPayload.json");
        payload["type"] = "block_actions";
        payload["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = "T0TEAM" };
        payload["channel"] = new JsonObject { ["id"] = channel, ["name"] = "deploys" };
        payload["trigger_id"] = $"{Guid.NewGuid():N}.2.y";
        payload["response_url"] = responseUrl;
        ((JsonObject)payload["container"]!)["channel_id"] = channel;
        ((JsonObject)payload["container"]!).Remove("thread_ts");
        var action = (JsonObject)payload["actions"]![0]!;
        action["value"] = command;
        action["action_id"] = "cmd-0";
        action["action_ts"] = actionTs;
        action["type"] = "button";
        return "payload=" + Uri.EscapeDataString(payload.ToJsonString());
    }

    /// <summary>
    /// A person's message with a file (subtype <c>file_share</c>): in a DM (<c>D0ALICE</c>, channel_type im) or in a channel.
    /// <paramref name="file"/> is the file object as <see cref="FakeSlackApi.ShareFile"/> describes it.
    /// </summary>
    public static JsonObject FileShare(JsonObject file, string eventId, string text = "", string channel = "D0ALICE", string user = "U0ALICE")
    {
        var envelope = DirectMessage(text, eventId, user);
        var e = (JsonObject)envelope["event"]!;
        e["subtype"] = "file_share";
        e["channel"] = channel;
        e["channel_type"] = channel.StartsWith('D') ? "im" : "channel";
        e["files"] = new JsonArray((JsonNode)file.DeepClone());
        e["upload"] = false;
        e["display_as_bot"] = false;
        return envelope;
    }

    /// <summary>The form body of a submitted modal: the view as it was opened, with what the person typed in its inputs (block → action → value).</summary>
    public static string ViewSubmission(JsonObject opened, IReadOnlyDictionary<(string Block, string Action), string?> typed, string user = "U0ALICE") =>
        "payload=" + Uri.EscapeDataString(ViewSubmissionPayload(opened, typed, user).ToJsonString());

    public static JsonObject ViewSubmissionPayload(JsonObject opened, IReadOnlyDictionary<(string Block, string Action), string?> typed, string user = "U0ALICE")
    {
        var payload = Load("app-backend/views/ViewSubmissionPayload.json");
        payload["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = "T0TEAM" };
        payload["team"] = new JsonObject { ["id"] = "T0TEAM", ["domain"] = "acme" };
        payload["trigger_id"] = $"{Guid.NewGuid():N}.3.z";
        var view = (JsonObject)payload["view"]!;
        foreach (var (key, value) in opened) view[key] = value?.DeepClone();
        view["id"] = $"V0{Guid.NewGuid():N}"[..11].ToUpperInvariant();
        view["hash"] = "1700000003.abcdef";
        var values = new JsonObject();
        foreach (var ((block, action), value) in typed)
        {
            if (values[block] is not JsonObject inBlock) values[block] = inBlock = new JsonObject();
            inBlock[action] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value };
        }
        view["state"] = new JsonObject { ["values"] = values };
        return payload;
    }

    public static string ViewSubmission() =>
        "payload=" + Uri.EscapeDataString(Load("app-backend/views/ViewSubmissionPayload.json").ToJsonString());
}
