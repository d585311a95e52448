using System.Security.Cryptography;
using System.Text;

namespace Bot.Targets.Config;

/// <summary>
/// Short fingerprints of config values: the first 7 hex digits of an HMAC-SHA256 keyed with this bot's own key, over the
/// name and the value. Two environments with the same value of a var show the same fingerprint, so they can be compared
/// in chat; without the key nobody can try likely values (<c>true</c>, <c>8080</c>) against one.
/// </summary>
public sealed class ConfigFingerprints(byte[] key)
{
    public const int Length = 7;

    public string Of(string name, string value)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(name + "\0" + value));
        return Convert.ToHexStringLower(mac)[..Length];
    }
}
