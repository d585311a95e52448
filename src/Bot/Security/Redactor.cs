using System.Collections;
using System.Text.RegularExpressions;

namespace Bot.Security;

/// <summary>
/// Removes secrets from text bound for chat, the store or logs: the values of secret-looking
/// environment variables, and token shapes (Slack tokens, AWS access key ids, bearer headers, <c>password=</c>-style
/// pairs, PEM private keys, passwords in URLs). Output reaches it a line at a time, so a PEM key's header and footer
/// lines are masked where they stand and a whole key where the text holds it.
/// </summary>
public sealed partial class Redactor
{
    public const string Mask = "[redacted]";
    private static readonly string[] SecretNameParts = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"];

    private string[] _secrets;

    public Redactor(IEnumerable<string> secrets) =>
        _secrets = secrets.Where(s => s.Length >= 6).Distinct().OrderByDescending(s => s.Length).ToArray();

    /// <summary>Built from this process's environment at first use.</summary>
    public static Redactor Default { get; } = FromEnvironment();

    public static Redactor FromEnvironment()
    {
        var secrets = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is not string name || e.Value is not string value) continue;
            if (IsSecretName(name)) secrets.Add(value);
            if (name == "DATABASE_URL" && PasswordInUrl().Match(value) is { Success: true } m) secrets.Add(m.Groups[2].Value);
        }
        return new Redactor(secrets);
    }

    public static bool IsSecretName(string name)
    {
        var upper = name.ToUpperInvariant();
        return SecretNameParts.Any(upper.Contains);
    }

    /// <summary>Adds values that must never be shown (e.g. an app's secret settings).</summary>
    public void Add(IEnumerable<string> secrets) =>
        _secrets = _secrets.Concat(secrets.Where(s => s.Length >= 6)).Distinct().OrderByDescending(s => s.Length).ToArray();

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = text;
        foreach (var secret in _secrets)
            if (result.Contains(secret, StringComparison.Ordinal))
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
        result = PemKey().Replace(result, Mask);
        result = PemLine().Replace(result, Mask);
        result = SlackToken().Replace(result, Mask);
        result = AwsKeyId().Replace(result, Mask);
        result = Pair().Replace(result, "$1" + Mask);
        result = Bearer().Replace(result, "$1" + Mask);
        result = PasswordInUrl().Replace(result, "$1" + Mask + "@");
        return result;
    }

    /// <summary>
    /// A command as it may be written down (the audit, the store, a log): the value of every <c>KEY=value</c> pair in it is
    /// replaced, whatever the verb and whether the command was understood, refused or misspelt; a typed
    /// <c>config set web DATABASE_URL=…</c> keeps its names and loses its values. Quoted values go whole.
    /// </summary>
    public string RedactCommand(string text) => string.IsNullOrEmpty(text) ? text : Assignment().Replace(Redact(text), "$1" + Mask);

    /// <summary>The name of a <c>KEY=value</c> word (<c>SHOP_MODE</c>), null for any other word.</summary>
    public static string? AssignedName(string word) =>
        Assignment().Match(word) is { Success: true, Index: 0 } m ? m.Groups[1].Value[..^1] : null;

    [GeneratedRegex(@"((?<![\w$])[A-Za-z_][A-Za-z0-9_]*=)(?!\[redacted\])(?:""[^""]*""?|'[^']*'?|“[^”]*”?|\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"xox[abposr]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PemKey();

    [GeneratedRegex(@"-----(?:BEGIN|END) [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PemLine();

    /// <summary>Long-term (<c>AKIA</c>) and temporary (<c>ASIA</c>) AWS access key ids.</summary>
    [GeneratedRegex(@"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsKeyId();

    /// <summary><c>password=…</c>, <c>DB_PASSWORD=…</c>, <c>token: …</c>, <c>api_key=…</c>, <c>secret=…</c> and the like.</summary>
    [GeneratedRegex(@"((?<![A-Za-z0-9])(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|client[_-]?secret)\s*[=:]\s*)(?!\[redacted\])[^\s&;,]{4,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pair();

    [GeneratedRegex(@"((?:Bearer|Basic|token)\s+)[A-Za-z0-9._~+/=-]{12,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)([^@\s/]+)@", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInUrl();
}
