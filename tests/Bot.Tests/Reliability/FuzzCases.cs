using Bot.Alerts;
using Bot.Http;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Hosting;
using Bot.Tests.Support;

namespace Bot.Tests.Reliability;

/// <summary>
/// Makes the fuzz run's requests from a seed, one after another (so a seed always gives the same run): which endpoint,
/// which body, signed right or wrong in one of many ways, framed honestly or not, and which answers each may get.
/// Two in three are signed correctly, so most reach the parsers and handlers rather than stopping at 401.
/// </summary>
public sealed class FuzzCases
{
    private static readonly HashSet<int> Handled = [200, 400], Alerted = [200, 202, 400, 415], Refused = [401], TooLarge = [413], WrongType = [415], Healthy = [200];
    private static readonly HashSet<int> AnythingButAFailure = [FuzzCase.Closed, 200, 400, 401, 413, 415];

    private readonly Random _random;
    private readonly FuzzText _text;
    private readonly FuzzBodies _bodies;
    private readonly DateTimeOffset _now;

    public FuzzCases(int seed, DateTimeOffset now)
    {
        _random = new Random(seed);
        _text = new FuzzText(_random);
        _bodies = new FuzzBodies(_random, _text, new FuzzJson(_random, _text));
        _now = now;
    }

    public FuzzCase Next(int index)
    {
        var roll = _random.Next(100);
        if (roll < 5) return Get(index);
        var (path, body) = roll switch
        {
            < 33 => ("/slack/commands", _bodies.SlashCommand()),
            < 48 => ("/slack/interactions", _bodies.Interaction()),
            < 63 => ("/slack/events", _bodies.Event()),
            < 70 => ("/alerts/generic", _bodies.GenericAlert()),
            < 76 => ("/alerts/heroku", _bodies.HerokuEvent()),
            _ => ("/line/webhook", _bodies.LineWebhook()),
        };
        var (bytes, label) = (body.Bytes, body.Label);
        var size = _random.Next(200);
        if (size < 3)
        {
            // Exactly the limit is fine; one byte more is not.
            var length = Webhook.MaxBodyBytes + size switch { 0 => 0, 1 => 1, _ => _random.Next(2, 200_000) };
            bytes = Pad(bytes, length, path == "/slack/commands" || path == "/slack/interactions");
            label += $", padded to {length} bytes";
        }
        var slack = path.StartsWith("/slack/", StringComparison.Ordinal);
        var (headers, signed, how) = slack ? SlackHeaders(ref bytes) : path == "/alerts/generic" ? AlertHeaders(ref bytes)
            : path == "/alerts/heroku" ? HerokuHeaders(ref bytes) : LineHeaders(ref bytes);
        var framing = _random.Next(100) switch { 0 => Framing.Chunked, 1 => (Framing)(2 + _random.Next(4)), _ => Framing.Length };

        var allowed = framing > Framing.Chunked ? AnythingButAFailure
            : bytes.Length > Webhook.MaxBodyBytes ? TooLarge
            : !signed ? Refused
            : path is "/slack/commands" or "/slack/interactions" && body.ContentType?.StartsWith(FuzzBodies.Form, StringComparison.OrdinalIgnoreCase) != true ? WrongType
            : path.StartsWith("/alerts/", StringComparison.Ordinal) ? Alerted
            : Handled;
        return new FuzzCase(index, $"{label}, {how}", HttpMethod.Post, path, bytes, body.ContentType, headers, framing, allowed);
    }

    private FuzzCase Get(int index)
    {
        var path = (_random.Next(2) == 0 ? "/healthz" : "/readyz") + _random.Next(4) switch
        {
            0 => "?" + Uri.EscapeDataString(_text.Next() is { Length: <= 200 } q ? q : "long"),
            1 => "?a=%zz&&b",
            _ => "",
        };
        List<KeyValuePair<string, string>> headers = _random.Next(3) == 0 ? [new("X-Slack-Signature", "v0=" + new string('0', 64)), new("X-Line-Signature", "!!")] : [];
        return new FuzzCase(index, "health check", HttpMethod.Get, path, [], null, headers, Framing.Length, Healthy);
    }

    private (List<KeyValuePair<string, string>>, bool, string) SlackHeaders(ref byte[] body)
    {
        var ts = FuzzCase.Seconds(_now.AddSeconds(_random.Next(-290, 291)));
        List<KeyValuePair<string, string>> Signed(string t, string signature) => [new("X-Slack-Request-Timestamp", t), new("X-Slack-Signature", signature)];
        if (_random.Next(3) > 0)
        {
            var hex = SlackSignature.Sign(BotWebHost.SlackSecret, ts, body);
            return (Signed(ts, _random.Next(8) == 0 ? "v0=" + hex[3..].ToUpperInvariant() : hex), true, "signed");
        }
        string stale = FuzzCase.Seconds(_now.AddSeconds(-_random.Next(301, 10_000_000))), future = FuzzCase.Seconds(_now.AddSeconds(_random.Next(301, 10_000_000)));
        string odd = Pick("", "1.5", "-1", "99999999999999999999999", "0x10", "+" + ts, ts + "0", "17e8");
        switch (_random.Next(11))
        {
            case 0: return (Signed(stale, SlackSignature.Sign(BotWebHost.SlackSecret, stale, body)), false, "replayed with a stale timestamp");
            case 1: return (Signed(future, SlackSignature.Sign(BotWebHost.SlackSecret, future, body)), false, "signed with a future timestamp");
            case 2: return (Signed(ts, SlackSignature.Sign("another-secret", ts, body)), false, "signed with another secret");
            case 3: return (Signed(ts, "v0=" + Convert.ToHexStringLower(RandomBytes(32))), false, "a random signature");
            case 4: return (Signed(ts, SlackSignature.Sign(BotWebHost.SlackSecret, ts, body)[..(3 + _random.Next(60))]), false, "a cut signature");
            case 5: return ([new("X-Slack-Request-Timestamp", ts)], false, "no signature");
            case 6: return ([new("X-Slack-Signature", SlackSignature.Sign(BotWebHost.SlackSecret, ts, body))], false, "no timestamp");
            case 7: return ([], false, "no headers");
            case 8: return (Signed(odd, SlackSignature.Sign(BotWebHost.SlackSecret, odd, body)), false, $"timestamp '{odd}'");
            case 9:
                var signature = SlackSignature.Sign(BotWebHost.SlackSecret, ts, body);
                body = Changed(body);
                return (Signed(ts, signature), false, "changed after signing");
            default: return (Signed(ts, "v1=" + SlackSignature.Sign(BotWebHost.SlackSecret, ts, body)[3..]), false, "a v1 signature");
        }
    }

    private (List<KeyValuePair<string, string>>, bool, string) AlertHeaders(ref byte[] body)
    {
        var ts = FuzzCase.Seconds(_now.AddSeconds(_random.Next(-290, 291)));
        List<KeyValuePair<string, string>> Signed(string t, string signature) => [new("X-Deploybot-Timestamp", t), new("X-Deploybot-Signature", signature)];
        if (_random.Next(3) > 0) return (Signed(ts, AlertSignature.Sign(PlatformFakes.AlertsSecret, ts, body)), true, "signed");
        var stale = FuzzCase.Seconds(_now.AddSeconds(-_random.Next(301, 10_000_000)));
        switch (_random.Next(6))
        {
            case 0: return (Signed(stale, AlertSignature.Sign(PlatformFakes.AlertsSecret, stale, body)), false, "replayed with a stale timestamp");
            case 1: return (Signed(ts, AlertSignature.Sign("another-secret", ts, body)), false, "signed with another secret");
            case 2: return (Signed(ts, "v1=" + Convert.ToHexStringLower(RandomBytes(_random.Next(1, 40)))), false, "a random signature");
            case 3: return ([new("X-Deploybot-Signature", AlertSignature.Sign(PlatformFakes.AlertsSecret, ts, body))], false, "no timestamp");
            case 4: return ([], false, "no headers");
            default:
                var signature = AlertSignature.Sign(PlatformFakes.AlertsSecret, ts, body);
                body = Changed(body);
                return (Signed(ts, signature), false, "changed after signing");
        }
    }

    private (List<KeyValuePair<string, string>>, bool, string) HerokuHeaders(ref byte[] body)
    {
        static List<KeyValuePair<string, string>> Signed(string signature) => [new("Heroku-Webhook-Hmac-SHA256", signature)];
        if (_random.Next(3) > 0) return (Signed(HerokuSignature.Sign(PlatformFakes.HerokuWebhookSecret, body)), true, "signed");
        switch (_random.Next(5))
        {
            case 0: return (Signed(HerokuSignature.Sign("another-secret", body)), false, "signed with another secret");
            case 1: return (Signed(Pick("", "====", "not base64!!", Convert.ToBase64String(RandomBytes(_random.Next(1, 64))))), false, "a mangled signature");
            case 2: return ([], false, "no signature");
            case 3: return (Signed(Convert.ToHexStringLower(RandomBytes(32))), false, "a hex signature");
            default:
                var signature = HerokuSignature.Sign(PlatformFakes.HerokuWebhookSecret, body);
                body = Changed(body);
                return (Signed(signature), false, "changed after signing");
        }
    }

    private (List<KeyValuePair<string, string>>, bool, string) LineHeaders(ref byte[] body)
    {
        static List<KeyValuePair<string, string>> Signed(string signature) => [new("X-Line-Signature", signature)];
        if (_random.Next(3) > 0) return (Signed(LineSignature.Sign(BotWebHost.LineSecret, body)), true, "signed");
        switch (_random.Next(7))
        {
            case 0: return (Signed(LineSignature.Sign("another-secret", body)), false, "signed with another secret");
            case 1: return (Signed(Convert.ToBase64String(RandomBytes(32))), false, "a random signature");
            case 2: return (Signed(Convert.ToBase64String(RandomBytes(_random.Next(1, 64)))), false, "a signature of the wrong length");
            case 3: return (Signed(Pick("not base64!!", "====", "", LineSignature.Sign(BotWebHost.LineSecret, body).ToLowerInvariant())), false, "a mangled signature");
            case 4: return ([], false, "no signature");
            case 5: return (Signed(LineSignature.Sign(BotWebHost.LineSecret, [.. body, (byte)' '])), false, "the signature of another body");
            default:
                var signature = LineSignature.Sign(BotWebHost.LineSecret, body);
                body = Changed(body);
                return (Signed(signature), false, "changed after signing");
        }
    }

    /// <summary>Fills a body up to <paramref name="length"/> bytes: a form field, or spaces after JSON (still valid JSON).</summary>
    private static byte[] Pad(byte[] body, int length, bool form)
    {
        var padded = new byte[Math.Max(length, body.Length)];
        body.CopyTo(padded, 0);
        var rest = padded.AsSpan(body.Length);
        if (form && rest.Length >= 5)
        {
            "&pad="u8.CopyTo(rest);
            rest = rest[5..];
        }
        rest.Fill(form ? (byte)'a' : (byte)' ');
        return padded;
    }

    private byte[] Changed(byte[] body)
    {
        if (body.Length == 0) return [(byte)'x'];
        var copy = (byte[])body.Clone();
        copy[_random.Next(copy.Length)] ^= (byte)(1 + _random.Next(255));
        return copy;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];
}
