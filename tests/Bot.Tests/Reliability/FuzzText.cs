using System.Text;

namespace Bot.Tests.Reliability;

/// <summary>
/// Hostile text for fields people type into: commands and near-commands, header and mention injection, markup,
/// unicode edge cases (full-width, right-to-left marks, emoji placed where a clip would cut them, NUL), very long
/// lines. Never the words a stack trace is recognised by, so an echo of the input cannot pass for one.
/// </summary>
public sealed class FuzzText(Random random)
{
    /// <summary>Stands for a lone surrogate; JSON bodies turn it into <c>\ud800</c> (UTF-8 cannot carry one).</summary>
    public const string LoneSurrogate = "@@LONE@@";

    private static readonly string[] Words =
    [
        "deploy", "status", "history", "logs", "lock", "unlock", "help", "apps", "audit", "cancel", "rollback", "freeze", "unfreeze",
        "scale", "restart", "maintenance", "promote", "approve", "alerts", "mute", "dpeloy", "stauts", "deploy!", "/deploy", "/ops",
        "web", "api", "app00", "nope", "to", "in", "staging", "production", "grep", "since", "15m", "#42", "42", "-1", "0", "--force",
        "main", "v1.2.3", "HEAD~1", "web=2", "on", "off", "\"quoted words\"", "'single", "\"", "'", "!", "/", "#",
    ];

    private static readonly string[] Hostile =
    [
        "\r\n", "\r\nX-Injected: yes", "\n\n", "\r", "<@U0BOT00001>", "<@U0ALICE|alice>", "<!channel>", "<!here>", "<#C0DEPLOY>", "```", "`",
        "``` rm -rf / ```", "*bold*", "_it_", "~s~", "&amp;", "&lt;", "<script>alert(1)</script>", "<https://evil.test|click>", "${PATH}",
        "$(id)", "'; DROP TABLE audit; --", "%s%s%n", "{0}", "\\", "\\u0000", "%00", "%", "&", "=", "+", "?", "ｄｅｐｌｏｙ　ｗｅｂ",
        "／ｓｔａｔｕｓ　ａｐｐ００", "ＡＰＰＳ", "\u202Edeploy\u202C", "\u200F", "\u200B", "\uFEFF", "\u2028", "\u00A0", "e\u0301",
        "🚀", "👩‍👩‍👧‍👦", "🇯🇵", "𝔡𝔢𝔭𝔩𝔬𝔶", "\0", "\u0007", "\t", "\u001B[31m", "—", "“smart”", "「かぎ」", "デプロイ", "ﾃﾞﾌﾟﾛｲ", "\uFFFD", "\uFFFF",
    ];

    /// <summary>A few words and hostile pieces, sometimes with something very long among them.</summary>
    public string Next()
    {
        var sb = new StringBuilder();
        var parts = 1 + random.Next(6);
        for (var i = 0; i < parts; i++)
        {
            if (i > 0 && random.Next(3) > 0) sb.Append(random.Next(8) == 0 ? "　" : " ");
            sb.Append(random.Next(10) switch
            {
                < 4 => Words[random.Next(Words.Length)],
                < 8 => Hostile[random.Next(Hostile.Length)],
                8 => Long(),
                _ => EmojiAtAClip(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Text for a JSON string: may also hold a lone surrogate.</summary>
    public string NextForJson() => random.Next(12) == 0 ? Next() + LoneSurrogate + Next() : Next();

    /// <summary>A very long line or word: 2,000 to 60,000 characters.</summary>
    public string Long()
    {
        var length = random.Next(8) == 0 ? random.Next(20_000, 60_000) : random.Next(2_000, 6_000);
        var unit = random.Next(4) switch { 0 => "a", 1 => "ab ", 2 => "🚀", _ => "ｗ" };
        return Repeat(unit, length / unit.Length);
    }

    /// <summary>An emoji (two UTF-16 units) placed so that clipping at a limit the bot uses would split it.</summary>
    public string EmojiAtAClip()
    {
        int[] limits = [20, 39, 40, 74, 75, 100, 240, 299, 300, 1499, 1500, 2000, 2899, 2900, 4999, 5000];
        var at = limits[random.Next(limits.Length)] + random.Next(-2, 2);
        return Repeat("x", Math.Max(0, at)) + "😀" + Repeat("y", random.Next(3));
    }

    public string Digits() => random.Next(5) switch
    {
        0 => "-1",
        1 => "99999999999999999999999",
        2 => "1e309",
        3 => "0x10",
        _ => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A Slack or LINE style id: well formed, or not at all.</summary>
    public string Id(char prefix) => random.Next(4) switch
    {
        0 => Next(),
        1 => "",
        _ => prefix + Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())),
    };

    public static string Repeat(string unit, int times) => new StringBuilder(unit.Length * times).Insert(0, unit, times).ToString();
}
