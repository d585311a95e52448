using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets.Lambda;
using Bot.Text;

namespace Bot.Targets.Ecs;

/// <summary><c>logs</c>: the container's <c>awslogs</c> group, its streams <c>prefix/container/task-id</c>, newest last.</summary>
public sealed partial class EcsTarget
{
    public static readonly TimeSpan DefaultLogWindow = TimeSpan.FromHours(1);

    public async Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken)
    {
        var s = EcsSettings.Read(app);
        try
        {
            var service = await ecs.DescribeServiceAsync(s, cancellationToken).ConfigureAwait(false);
            var td = await ecs.DescribeTaskDefinitionAsync(s, service.TaskDefinition!, cancellationToken).ConfigureAwait(false);
            var container = Container(app, s, td.TaskDefinition);
            var name = (string)container["name"]!;
            var log = container["logConfiguration"] as JsonObject;
            var logOptions = log?["options"] as JsonObject;
            if ((string?)log?["logDriver"] != "awslogs" || (string?)logOptions?["awslogs-group"] is not { } group)
                return new LogResult([], $"Container {name} does not log to CloudWatch Logs (its logConfiguration is not awslogs with a group), so the bot cannot read its logs.");
            var prefix = (string?)logOptions["awslogs-stream-prefix"] is { Length: > 0 } p ? $"{p}/{name}/" : null;
            var region = (string?)logOptions["awslogs-region"] ?? s.Region;
            var since = request.Since ?? DefaultLogWindow;
            var start = (time.GetUtcNow() - since).ToUnixTimeMilliseconds();
            var (lines, _) = await cloudWatch.ReadLinesAsync(group, start, request.Grep, ForChat, cancellationToken, prefix, region).ConfigureAwait(false);
            var where = prefix is null ? group : $"{group} ({prefix}…)";
            var note = lines.Count == 0 ? $"Nothing in {where} in the last {Format.Duration(since)}{(request.Grep is null ? "" : $" matching \"{request.Grep}\"")}." : null;
            return new LogResult(lines.TakeLast(Math.Max(1, request.Lines)).ToList(), note);
        }
        catch (AwsApiException e) when (e.Code == "ResourceNotFoundException")
        {
            return new LogResult([], $"The log group of {s.Service} does not exist yet: no task has logged.");
        }
        catch (AwsApiException e) { throw Explain(e, app); }
    }

    /// <summary><c>12:00:01 [1a2b3c] message</c>: the task's id from the stream name, so lines of different tasks can be told apart.</summary>
    internal static string? ForChat(FilteredLogEvent e)
    {
        var text = (e.Message ?? "").TrimEnd();
        if (text.Length == 0) return null;
        var clock = DateTimeOffset.FromUnixTimeMilliseconds((long)e.Timestamp).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var task = e.LogStreamName?[(e.LogStreamName.LastIndexOf('/') + 1)..] is { Length: > 0 } id ? $"[{(id.Length > 6 ? id[..6] : id)}] " : "";
        return $"{clock} {task}{text.Replace('\t', ' ')}";
    }
}
