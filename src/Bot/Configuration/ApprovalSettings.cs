using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// The two-person rule of one environment: <c>RequireApproval</c>, <c>MinApprovals</c> (default 1), <c>AllowSelfApproval</c>
/// (default false) and <c>ApprovalTimeout</c> (default 1h), set for the app or under <c>Environments:&lt;env&gt;</c>.
/// </summary>
public sealed record ApprovalSettings(bool Required, int MinApprovals, bool AllowSelfApproval, TimeSpan Timeout)
{
    public static readonly string[] Keys = ["RequireApproval", "MinApprovals", "AllowSelfApproval", "ApprovalTimeout"];

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);

    public static readonly ApprovalSettings None = new(false, 1, false, DefaultTimeout);

    /// <summary>
    /// Reads the keys from an environment's merged settings. A rule nobody can satisfy stops startup: approval required with
    /// no <c>Approvers</c>, or more approvals than the people listed (when no group is among them).
    /// </summary>
    public static ApprovalSettings Read(IConfiguration merged, string path, string env, IReadOnlyList<string> approvers)
    {
        var settings = new ApprovalSettings(
            Bool(merged, "RequireApproval", path), Count(merged, "MinApprovals", path), Bool(merged, "AllowSelfApproval", path),
            Duration(merged, "ApprovalTimeout", path));
        if (!settings.Required) return settings;
        if (approvers.Count == 0)
            throw new ConfigException($"{path}:Approvers", $"empty, but RequireApproval is true for {env}; list who may approve (slack:U123, line:U…, @group)");
        if (!approvers.Any(a => a.StartsWith('@')) && approvers.Count < settings.MinApprovals)
            throw new ConfigException($"{path}:MinApprovals",
                $"{settings.MinApprovals} approvals needed in {env}, but Approvers lists only {approvers.Count}; lower it or add approvers");
        return settings;
    }

    private static bool Bool(IConfiguration c, string key, string path) => Blank(c[key]) switch
    {
        null => false,
        var v when bool.TryParse(v, out var b) => b,
        var v => throw new ConfigException($"{path}:{key}", $"'{v}' is not true or false"),
    };

    private static int Count(IConfiguration c, string key, string path) => Blank(c[key]) switch
    {
        null => 1,
        var v when int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 => n,
        var v => throw new ConfigException($"{path}:{key}", $"'{v}' is not a whole number of 1 or more"),
    };

    private static TimeSpan Duration(IConfiguration c, string key, string path) =>
        Blank(c[key]) is { } text ? ConfigDuration.Parse(text, $"{path}:{key}", "30m, 1h or 1d") : DefaultTimeout;

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
