using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat.Line;
using Bot.Chat.Slack;

namespace Bot.Bench;

/// <summary>
/// Writes a pool of correctly signed, all-different webhook requests (one per line: content type, headers
/// and body separated by tabs) for wrk to cycle through (bench/lib/pool.lua). Different trigger ids and
/// event ids mean every request is new to the bot: no request is answered from the de-duplication table.
/// </summary>
public static class Payloads
{
    public static int Run(string[] args)
    {
        var kind = args[0];
        var count = int.Parse(args[1]);
        var path = args[2];
        var text = args.Length > 3 ? args[3] : "deploy api production";
        var run = Guid.NewGuid().ToString("N")[..8];
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        using var output = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        for (var i = 0; i < count; i++)
        {
            if (kind == "slack")
            {
                var words = text.Split(' ', 2);
                var body = $"token=bench&team_id=T0001&team_domain=example&channel_id=C2147483705&channel_name=test&user_id=U2147483697" +
                           $"&user_name=Steve&command=%2F{Uri.EscapeDataString(words[0])}&text={Uri.EscapeDataString(words.Length > 1 ? words[1] : "")}" +
                           $"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id={run}.{i}.bench&api_app_id=A123456";
                var signature = SlackSignature.Sign(Secret("SLACK_SIGNING_SECRET", "bench-slack-signing-secret"), timestamp, Encoding.UTF8.GetBytes(body));
                output.WriteLine($"application/x-www-form-urlencoded\tX-Slack-Request-Timestamp: {timestamp}\tX-Slack-Signature: {signature}\t{body}");
            }
            else
            {
                var e = new JsonObject
                {
                    ["type"] = "message",
                    ["message"] = new JsonObject { ["type"] = "text", ["id"] = $"{i}", ["quoteToken"] = "q3Plxr4AgKd4bE0FTL34aLLZN3Ux", ["text"] = text },
                    ["webhookEventId"] = $"01BENCH{run}{i:D12}",
                    ["deliveryContext"] = new JsonObject { ["isRedelivery"] = false },
                    ["timestamp"] = 1625665242211,
                    ["source"] = new JsonObject { ["type"] = "user", ["userId"] = "U80696558e1aa831a9c1a1f2a2b1c3d4e" },
                    ["replyToken"] = $"bench{run}{i}",
                    ["mode"] = "active",
                };
                var body = new JsonObject { ["destination"] = "U8e742f61d673b39c7fff3cecb7536ef0", ["events"] = new JsonArray((JsonNode)e) }.ToJsonString();
                var signature = LineSignature.Sign(Secret("LINE_CHANNEL_SECRET", "bench-line-channel-secret"), Encoding.UTF8.GetBytes(body));
                output.WriteLine($"application/json\tX-Line-Signature: {signature}\t{body}");
            }
        }
        Console.WriteLine($"wrote {count} signed {kind} requests to {path}");
        return 0;
    }

    private static string Secret(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } s ? s : fallback;
}
