namespace Bot.Commands;

public sealed partial class CommandHandler
{
    /// <summary>
    /// Handles a platform's delivery once; null when that delivery was handled before (a retry, another replica's copy).
    /// A command that changes something is recorded as delivered before it runs. A command that only reads
    /// (<see cref="OnlyReads"/>) runs first and is recorded by its audit entry, keyed by the delivery: one committed row
    /// per request instead of two, and a retry that meets it costs a read and answers nothing.
    /// </summary>
    /// <param name="unique">The id is the platform's own (a trigger id), never reused; false for an id made up from the
    /// request's content, which must be forgotten after a day (<see cref="IDeploymentStore.TryRecordDeliveryAsync"/>) rather than
    /// kept with the audit log.</param>
    public async Task<CommandResult?> HandleDeliveryAsync(ChatRequest request, string source, string deliveryId, bool unique, CancellationToken cancellationToken)
    {
        var command = CommandParser.Parse(request.Text);
        if (!unique || !OnlyReads(command))
        {
            if (!await Store.TryRecordDeliveryAsync(source, deliveryId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)) return null;
            var (done, how) = await RunAsync(command, request.Origin, cancellationToken).ConfigureAwait(false);
            await AuditAsync(request, command, done, how).ConfigureAwait(false);
            return done;
        }
        var (result, outcome) = await RunAsync(command, request.Origin, cancellationToken).ConfigureAwait(false);
        return await AuditAsync(request, command, result, outcome, (source, deliveryId)).ConfigureAwait(false) ? result : null;
    }

    /// <summary>Commands answered from the store and the configuration alone: running one twice changes nothing and costs little.</summary>
    private static bool OnlyReads(Command command) =>
        command is StatusCommand or HistoryCommand or AuditCommand or AppsCommand or HelpCommand or ParseError or AlertsCommand;
}
