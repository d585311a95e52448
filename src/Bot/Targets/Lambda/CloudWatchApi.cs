using System.Text.Json;

namespace Bot.Targets.Lambda;

/// <summary>
/// CloudWatch (<c>DescribeAlarms</c>) and CloudWatch Logs (<c>FilterLogEvents</c>). botocore's CloudWatch model lists
/// <c>smithy-rpc-v2-cbor</c>, <c>json</c> and <c>query</c>; the bot speaks its JSON 1.0 form (target
/// <c>GraniteServiceVersion20100801</c>), and Logs' only protocol, JSON 1.1 (target <c>Logs_20140328</c>).
/// </summary>
public sealed class CloudWatchApi(AwsClient aws)
{
    public async Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        var all = new List<MetricAlarm>();
        string? next = null;
        do
        {
            // DescribeAlarms takes at most 100 names per call; the canary watches a handful.
            var request = new DescribeAlarmsRequest(names.Take(100).ToList(), null, next);
            var call = new AwsCall(AwsService.CloudWatch, "DescribeAlarms", HttpMethod.Post, "",
                JsonSerializer.SerializeToUtf8Bytes(request, LambdaJson.Default.DescribeAlarmsRequest), "application/x-amz-json-1.0",
                "GraniteServiceVersion20100801.DescribeAlarms");
            var page = await aws.JsonAsync(call, LambdaJson.Default.DescribeAlarmsAnswer, ct).ConfigureAwait(false);
            all.AddRange(page.MetricAlarms ?? []);
            all.AddRange(page.CompositeAlarms ?? []);
            next = page.NextToken;
        } while (!string.IsNullOrEmpty(next));
        return all;
    }

    /// <summary>
    /// The lines for chat of a log group from <paramref name="start"/> (ms since the epoch), oldest first, reading at most
    /// <see cref="MaxPages"/> pages: each event as <paramref name="forChat"/> shows it (null leaves it out), and with
    /// <paramref name="grep"/> only lines that contain it (CloudWatch's quoted-term filter, checked again ignoring case).
    /// <c>More</c> when there was more than those pages hold.
    /// </summary>
    public async Task<(List<string> Lines, bool More)> ReadLinesAsync(string group, long start, string? grep, Func<FilteredLogEvent, string?> forChat,
        CancellationToken ct, string? streamPrefix = null, string? region = null)
    {
        // A quoted term is a plain substring match in CloudWatch's filter syntax.
        var pattern = grep is { } g ? "\"" + g.Replace("\"", "", StringComparison.Ordinal) + "\"" : null;
        var lines = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await FilterLogEventsAsync(group, start, pattern, next, 1000, ct, streamPrefix, region).ConfigureAwait(false);
            foreach (var e in page.Events ?? [])
                if (forChat(e) is { } line && (grep is null || line.Contains(grep, StringComparison.OrdinalIgnoreCase)))
                    lines.Add(line);
            next = page.NextToken;
        } while (!string.IsNullOrEmpty(next) && ++pages < MaxPages);
        return (lines, !string.IsNullOrEmpty(next));
    }

    /// <summary>How many pages of a thousand events one <c>logs</c> answer reads at most.</summary>
    public const int MaxPages = 20;

    /// <summary>One page of matching events, oldest first, from <paramref name="start"/> (ms since the epoch).</summary>
    public Task<FilterLogEventsAnswer> FilterLogEventsAsync(string group, long? start, string? pattern, string? next, int limit, CancellationToken ct,
        string? streamPrefix = null, string? region = null)
    {
        var request = new FilterLogEventsRequest(group, start, pattern, next, limit, streamPrefix);
        var call = new AwsCall(AwsService.Logs, "FilterLogEvents", HttpMethod.Post, "",
            JsonSerializer.SerializeToUtf8Bytes(request, LogsJson.Default.FilterLogEventsRequest), "application/x-amz-json-1.1", "Logs_20140328.FilterLogEvents", Region: region);
        return aws.JsonAsync(call, LogsJson.Default.FilterLogEventsAnswer, ct);
    }
}
