using Bot.Deployments;
using Bot.Targets.Lambda;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// <c>BOT_WAKE_LAMBDA</c>: the worker function (<c>bot worker --drain</c>) that the web function invokes, without
/// waiting, each time it queues a job. A failed wake only delays the job until the one-minute schedule drains it.
/// </summary>
public sealed class LambdaWake(LambdaApi lambda, string function, ILogger<LambdaWake> logger) : IJobWaker
{
    public const string Key = "BOT_WAKE_LAMBDA";
    private static readonly byte[] Payload = """{"source":"deploybot","drain":true}"""u8.ToArray();

    public async Task WakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await lambda.InvokeEventAsync(function, Payload, cancellationToken).ConfigureAwait(false);
            if (status != 202) logger.LogWarning("Waking the worker function {Function} answered {Status}; the schedule will drain the queue", function, status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not wake the worker function {Function} ({Error}); the schedule will drain the queue", function, e.Message);
        }
    }
}
