using System.Globalization;
using Bot.Text;
using System.Text.RegularExpressions;
using Bot.Configuration;

namespace Bot.Targets.Lambda;

/// <summary><c>logs</c>: FilterLogEvents on the function's log group, newest last, made to fit a phone.</summary>
public sealed partial class LambdaTarget
{
    /// <summary>How far back <c>logs</c> looks without <c>since</c>.</summary>
    public static readonly TimeSpan DefaultLogWindow = TimeSpan.FromHours(1);

    public async Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken)
    {
        var s = LambdaSettings.Read(app);
        var since = request.Since ?? DefaultLogWindow;
        var start = (time.GetUtcNow() - since).ToUnixTimeMilliseconds();
        List<string> lines;
        bool more;
        try
        {
            (lines, more) = await cloudWatch.ReadLinesAsync(s.LogGroup, start, request.Grep, ForChat, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e) when (e.Code == "ResourceNotFoundException")
        {
            return new LogResult([], $"There is no log group {s.LogGroup} yet: the function has not run, or it logs elsewhere (set `Lambda:LogGroup`).");
        }
        catch (AwsApiException e)
        {
            throw Explain(e, app);
        }
        var note = (more ? $"{s.LogGroup} has more in the last {Format.Duration(since)} than one look reads; showing the oldest of it." : null)
            ?? (lines.Count == 0 ? $"Nothing in {s.LogGroup} in the last {Format.Duration(since)}{(request.Grep is null ? "" : $" matching \"{request.Grep}\"")}." : null);
        return new LogResult(lines.TakeLast(Math.Max(1, request.Lines)).ToList(), note);
    }

    /// <summary>
    /// <c>12:00:01 message</c>; <c>START</c>/<c>END</c> lines are left out, a <c>REPORT</c> line becomes
    /// <c>⏱ 12 ms · 40/128 MB · init 101 ms</c>, and errors and time-outs are marked ❗.
    /// </summary>
    internal static string? ForChat(FilteredLogEvent e)
    {
        var text = (e.Message ?? "").TrimEnd();
        if (text.Length == 0 || text.StartsWith("START RequestId:", StringComparison.Ordinal) || text.StartsWith("END RequestId:", StringComparison.Ordinal))
            return null;
        var clock = DateTimeOffset.FromUnixTimeMilliseconds((long)e.Timestamp).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        if (text.StartsWith("REPORT RequestId:", StringComparison.Ordinal))
        {
            string? Field(string name) => Report().Matches(text).FirstOrDefault(m => m.Groups["name"].Value == name)?.Groups["value"].Value;
            var parts = new List<string>();
            if (Field("Duration") is { } d) parts.Add($"{Round(d)} ms");
            if (Field("Max Memory Used") is { } used && Field("Memory Size") is { } size) parts.Add($"{used}/{size} MB");
            if (Field("Init Duration") is { } init) parts.Add($"init {Round(init)} ms");
            if (text.Contains("Status: timeout", StringComparison.Ordinal)) parts.Add("❗ timed out");
            return $"{clock} ⏱ {string.Join(" · ", parts)}";
        }
        var bad = text.Contains("ERROR", StringComparison.Ordinal) || text.Contains("Task timed out", StringComparison.Ordinal);
        return $"{clock} {(bad ? "❗ " : "")}{text.Replace('\t', ' ')}";
    }

    private static string Round(string ms) =>
        double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? Math.Round(v).ToString(CultureInfo.InvariantCulture) : ms;

    [GeneratedRegex(@"(?<name>Billed Duration|Init Duration|Duration|Memory Size|Max Memory Used): (?<value>[\d.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Report();
}
