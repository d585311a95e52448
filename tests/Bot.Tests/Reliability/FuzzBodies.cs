using System.Text;
using System.Text.Json.Nodes;
using Bot.Tests.Chat.Line;
using Bot.Tests.Chat.Slack;

namespace Bot.Tests.Reliability;

/// <summary>A request body and how it was made (for the failure message).</summary>
public sealed record FuzzBody(string Label, byte[] Bytes, string? ContentType);

/// <summary>
/// Bodies for each webhook, starting from the platforms' own payloads: about half well formed with hostile text in
/// the fields people type, the rest broken in structure, encoding or syntax.
/// </summary>
public sealed class FuzzBodies(Random random, FuzzText text, FuzzJson json)
{
    public const string Form = "application/x-www-form-urlencoded";

    public FuzzBody SlashCommand()
    {
        string[] commands = ["/deploy", "/ops", "/rollback", "/deploybot", "/" + text.Next()];
        var form = SlackPayloads.SlashCommand(commands[random.Next(commands.Length)], text.Next(),
            random.Next(3) == 0 ? text.Id('U') : "U0ALICE", random.Next(3) == 0 ? text.Id('C') : "C0DEPLOY", random.Next(4) == 0 ? text.Next() : null);
        var (label, bytes) = random.Next(10) switch
        {
            < 5 => ("slash command", Utf8(form)),
            5 => ("slash command without a field", Utf8(Drop(form, Pick("command", "user_id", "channel_id", "text", "trigger_id")))),
            6 => ("slash command with duplicate keys", Utf8(form + $"&command={Enc(text.Next())}&user_id=U0ALICE&Text={Enc(text.Next())}")),
            7 => ("slash command with bad escapes", Utf8(form.Replace("text=", "text=" + Pick("%zz", "%", "%FF%FE", "%C0%AF", "%ED%A0%80", "+%00+", "%%%"), StringComparison.Ordinal))),
            8 => ("slash command with raw bad UTF-8", [.. Utf8(form), .. Utf8("&text="), .. BadUtf8()]),
            _ => ("odd form", Utf8(OddForm(form))),
        };
        return new FuzzBody(label, bytes, FormType());
    }

    public FuzzBody Interaction()
    {
        var tap = SlackPayloads.BlockAction(text.Next(), random.Next(3) == 0 ? text.Id('U') : "U0ALICE", random.Next(3) == 0 ? text.Id('C') : "C0DEPLOY",
            $"{random.Next()}.{random.Next(1000)}");
        var payload = random.Next(6) == 0
            ? JsonNode.Parse(Uri.UnescapeDataString(SlackPayloads.ViewSubmission()["payload=".Length..]))!
            : JsonNode.Parse(Uri.UnescapeDataString(tap["payload=".Length..]))!;
        var (label, encoded) = random.Next(10) switch
        {
            < 4 => ("button tap", "payload=" + Enc(FuzzJson.Serialize(payload))),
            < 7 => ("interaction with odd JSON", "payload=" + Enc(FuzzJson.Serialize(json.Mutate(payload)))),
            7 => ("interaction with broken JSON", "payload=" + Enc(json.BreakText(FuzzJson.Serialize(payload)))),
            8 => ("interaction without a payload", Pick("", "payload=", "payloads=x", "type=block_actions", OddForm("payload=%7B%7D"))),
            _ => ("interaction not URL-encoded", "payload=" + FuzzJson.Serialize(payload)),
        };
        return new FuzzBody(label, Utf8(encoded), FormType());
    }

    public FuzzBody Event()
    {
        JsonNode envelope = random.Next(6) switch
        {
            0 => new JsonObject { ["token"] = "x", ["challenge"] = text.NextForJson(), ["type"] = "url_verification" },
            1 => SlackPayloads.DirectMessage(text.NextForJson(), $"Ev{random.Next()}", random.Next(3) == 0 ? text.Id('U') : "U0ALICE"),
            2 => new JsonObject { ["type"] = Pick("app_rate_limited", "event_callback", "block_suggestion", text.Next()), ["event"] = json.Odd() },
            _ => SlackPayloads.AppMention($"<@U0BOT00001> {text.NextForJson()}", $"Ev{random.Next()}", random.Next(3) == 0 ? text.Id('U') : "U0ALICE"),
        };
        return JsonBody("event", envelope, "application/json");
    }

    public FuzzBody GenericAlert()
    {
        var alert = new JsonObject
        {
            ["app"] = random.Next(4) == 0 ? text.NextForJson() : Pick("web", "api", "app00", "WEB"),
            ["title"] = random.Next(3) == 0 ? text.NextForJson() : "Error rate above 5%",
        };
        if (random.Next(2) == 0) alert["severity"] = Pick("critical", "warning", "info", "CRITICAL", text.NextForJson());
        if (random.Next(2) == 0) alert["status"] = Pick("firing", "resolved", text.NextForJson());
        if (random.Next(3) == 0) alert["env"] = Pick("production", "staging", text.NextForJson());
        if (random.Next(3) == 0) alert["link"] = Pick("https://grafana.example/d/1", "javascript:alert(1)", "//x", text.NextForJson());
        if (random.Next(3) == 0) alert["detail"] = text.NextForJson();
        if (random.Next(3) == 0) alert["dedupe_key"] = Pick("error-rate", text.NextForJson());
        return JsonBody("generic alert", alert, random.Next(10) == 0 ? Pick("text/plain", Form, null, "application/problem+json") : "application/json");
    }

    public FuzzBody HerokuEvent()
    {
        var resource = Pick("build", "release", "dyno", "formation", text.NextForJson());
        var data = new JsonObject
        {
            ["app"] = new JsonObject { ["id"] = Guid.Empty.ToString(), ["name"] = random.Next(4) == 0 ? text.NextForJson() : "acme-web" },
            ["id"] = random.Next(5) == 0 ? text.NextForJson() : SeededGuid(),
            ["status"] = Pick("failed", "succeeded", "pending", text.NextForJson()),
            ["state"] = Pick("crashed", "up", "starting", text.NextForJson()),
            ["name"] = Pick("web.1", "worker.2", text.NextForJson()),
            ["type"] = Pick("web", "worker", text.NextForJson()),
            ["version"] = random.Next(200),
        };
        var e = new JsonObject
        {
            ["id"] = random.Next(6) == 0 ? "same-event" : SeededGuid(), ["action"] = Pick("create", "update", "destroy"),
            ["resource"] = resource, ["data"] = random.Next(10) == 0 ? json.Odd() : data,
            ["webhook_metadata"] = new JsonObject { ["delivery"] = new JsonObject { ["id"] = SeededGuid() } },
        };
        return JsonBody("Heroku event", e, "application/json");
    }

    /// <summary>A GUID from the run's seed, so a seed always makes the same bodies.</summary>
    private string SeededGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    public FuzzBody LineWebhook()
    {
        var events = new JsonArray();
        var count = random.Next(8) == 0 ? 0 : 1 + random.Next(random.Next(6) == 0 ? 40 : 4);
        for (var i = 0; i < count; i++) events.Add(LineEvent());
        var callback = new JsonObject { ["destination"] = LinePayloads.Destination, ["events"] = events };
        return JsonBody("LINE webhook", callback, random.Next(10) == 0 ? Pick("text/plain", "application/x-www-form-urlencoded", null) : "application/json");
    }

    private JsonObject LineEvent()
    {
        var id = random.Next(10) == 0 ? Pick("01JFSAME0000000000000000000", "", text.Next()) : $"01JF{random.NextInt64():D22}";
        var token = random.Next(3) == 0 ? "reply-token-1" : $"rt-{random.NextInt64()}";
        var source = random.Next(4) switch
        {
            0 => LinePayloads.Source(LinePayloads.Group),
            1 => new JsonObject { ["type"] = "room", ["roomId"] = "R" + new string('a', 32), ["userId"] = LinePayloads.Alice },
            2 => LinePayloads.Source(null, random.Next(2) == 0 ? text.Id('U') : LinePayloads.Alice),
            _ => LinePayloads.Source(),
        };
        var e = random.Next(8) switch
        {
            0 => LinePayloads.Postback(Pick("cmd:", "confirm:", "nothing", "") + text.NextForJson(), id, token, source),
            1 => LinePayloads.Follow(id),
            2 => LinePayloads.Join(id),
            3 => LinePayloads.Text(text.NextForJson(), id, token, source, random.Next(2) == 0,
                LinePayloads.SelfMention(random.Next(-5, 50), random.Next(-5, 50))),
            4 => new JsonObject { ["type"] = Pick("unfollow", "leave", "memberJoined", "unsend", "videoPlayComplete", "beacon", "things", text.Next()),
                ["webhookEventId"] = id, ["timestamp"] = 1732540800000, ["source"] = source, ["mode"] = Pick("active", "standby") },
            _ => LinePayloads.Text(text.NextForJson(), id, token, source, random.Next(4) == 0),
        };
        return e;
    }

    private FuzzBody JsonBody(string label, JsonNode node, string? contentType) => random.Next(10) switch
    {
        < 5 => new FuzzBody(label, Utf8(FuzzJson.Serialize(node)), contentType),
        < 8 => new FuzzBody(label + " with odd JSON", Utf8(FuzzJson.Serialize(json.Mutate(node))), contentType),
        8 => new FuzzBody(label + " with broken JSON", Utf8(json.BreakText(FuzzJson.Serialize(node))), contentType),
        _ => new FuzzBody(label + " of random bytes", random.Next(2) == 0 ? RandomBytes() : [.. Utf8(FuzzJson.Serialize(node)[..10]), .. BadUtf8()], contentType),
    };

    private string? FormType() => random.Next(8) > 0
        ? Pick(Form, Form + "; charset=utf-8", "APPLICATION/X-WWW-FORM-URLENCODED", Form + "; charset=ISO-8859-1")
        : Pick("application/json", "text/plain", null, "multipart/form-data; boundary=x", "a/b/c;;;=", "application/x-www-form");

    private string OddForm(string form) => random.Next(5) switch
    {
        0 => "&&&" + form + "&&&",
        1 => "=x&novalue&" + form,
        2 => string.Join('&', Enumerable.Range(0, random.Next(100, 5_000)).Select(i => $"k{i}=v")) + "&" + form,
        3 => form.Length > 2 ? form[..random.Next(1, form.Length)] : form,
        _ => Enc(text.Long()) + "=" + Enc(text.Long()) + "&" + form,
    };

    private static string Drop(string form, string key) =>
        string.Join('&', form.Split('&').Where(p => !p.StartsWith(key + "=", StringComparison.Ordinal)));

    private byte[] BadUtf8() => Pick<byte[]>([0xFF, 0xFE], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80, 0x80, 0x80], [0x00]);

    private byte[] RandomBytes()
    {
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];

    private static string Enc(string s) => Uri.EscapeDataString(s.Replace(FuzzText.LoneSurrogate, "x", StringComparison.Ordinal));

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
