using Microsoft.Extensions.Hosting;
using Bot.Text;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// Stops last: by then the worker has ended its jobs and the cards have shown their ends, and this waits (within
/// <see cref="Budget"/>) until every platform has delivered what it was given: final card edits, result pushes,
/// announcements. A bot stopped by <c>SIGTERM</c> (as Heroku and Cloud Run stop one) leaves no card at "deploying".
/// </summary>
public sealed class ChatDrain(IEnumerable<IChatPlatform> platforms, BackgroundWork background, ILogger<ChatDrain> logger) : IHostedService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            await background.IdleAsync().WaitAsync(budget.Token).ConfigureAwait(false);
            await Task.WhenAll(platforms.Select(p => p.SettleAsync(budget.Token))).ConfigureAwait(false);
            await background.IdleAsync().WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopping before every chat message was delivered (waited {Budget})", Format.Duration(Budget));
        }
    }
}
