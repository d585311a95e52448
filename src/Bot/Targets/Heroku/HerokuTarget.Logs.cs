using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Configuration;

namespace Bot.Targets.Heroku;

/// <summary><c>logs</c>: a log session of the recent lines (no tail), read once and made to fit a chat message.</summary>
public sealed partial class HerokuTarget
{
    /// <summary>Heroku keeps the last 1,500 lines of an app's logs; a session can ask for at most that many.</summary>
    public const int MaxSessionLines = 1500;

    private static readonly TimeSpan LogPatience = TimeSpan.FromSeconds(30);
    private const int MaxLogBytes = 2 * 1024 * 1024;

    public async Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(app).App;
        var filtered = request.Grep is not null || request.Since is not null;
        var ask = filtered ? MaxSessionLines : Math.Clamp(request.Lines, 1, MaxSessionLines);
        var dyno = request.Options.GetValueOrDefault("dyno");
        var source = request.Options.GetValueOrDefault("source");
        var session = await Guard(app, api.CreateLogSessionAsync(heroku, new HerokuLogSessionRequest(ask, false, dyno, source), cancellationToken)).ConfigureAwait(false);

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(LogPatience);
        var lines = new List<string>();
        var stream = new OutputStream(api, new Uri(session.LogplexUrl));
        var cut = false;
        var since = request.Since is { } s ? time.GetUtcNow() - s : (DateTimeOffset?)null;
        try
        {
            await foreach (var raw in stream.ReadAsync(patience.Token).ConfigureAwait(false))
            {
                if (stream.Offset > MaxLogBytes) { cut = true; break; }
                var line = ForChat(raw, since);
                if (line is null || request.Grep is { } g && !line.Contains(g, StringComparison.OrdinalIgnoreCase)) continue;
                lines.Add(line);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            cut = true;
        }

        var where = (dyno, source) switch
        {
            (null, null) => "",
            ({ } d, null) => $" of {d}",
            (null, { } src) => $" from {src}",
            _ => $" of {dyno} from {source}",
        };
        var note = cut ? $"Heroku's log stream{where} took too long; showing what came." : where.Length > 0 ? $"Lines{where}." : null;
        return new LogResult(lines.TakeLast(request.Lines).ToList(), note);
    }

    /// <summary>
    /// <c>2024-05-01T12:00:01.123456+00:00 app[web.1]: GET /</c> becomes <c>12:00:01 web.1: GET /</c>: a phone has no room for
    /// microseconds and the offset, and the source is clear from the dyno name. Null for a line older than <paramref name="since"/>.
    /// </summary>
    internal static string? ForChat(string raw, DateTimeOffset? since)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (LogLine().Match(raw) is not { Success: true } m) return raw.TrimEnd();
        var ok = DateTimeOffset.TryParse(m.Groups["at"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at);
        if (since is { } from && ok && at < from) return null;
        var who = m.Groups["source"].Value == "app" ? m.Groups["dyno"].Value : $"{m.Groups["source"].Value}[{m.Groups["dyno"].Value}]";
        var clock = ok ? at.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) : m.Groups["at"].Value;
        return $"{clock} {who}: {m.Groups["text"].Value.TrimEnd()}";
    }

    [GeneratedRegex(@"^(?<at>\d{4}-\d\d-\d\dT\S+)\s+(?<source>[\w-]+)\[(?<dyno>[^\]]+)\]:\s?(?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LogLine();
}
