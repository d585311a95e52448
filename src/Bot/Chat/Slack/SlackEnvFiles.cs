using System.Text;
using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Deployments;
using Bot.Http;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bot.Chat.Slack;

/// <summary>
/// A <c>.env</c> file shared with the bot. In a direct message it is fetched (<c>files.info</c>, then its private URL with
/// the bot token, at most <see cref="EnvFiles.MaxBytes"/>) and handed to <see cref="CommandHandler.ReceiveEnvFileAsync"/>,
/// whose answer (the names, and a button to set them) goes back in the DM. Anywhere else it is never downloaded: the
/// person alone is told to take it down.
/// </summary>
public sealed class SlackEnvFiles(SlackApi api, SlackReplies replies, CommandHandler handler, ILogger<SlackEnvFiles> logger)
{
    /// <summary>The first file of a message event that looks like a <c>.env</c> file: its id and name.</summary>
    public static (string Id, string Name)? Find(JsonObject e) =>
        e.ArrayAt("files")?.OfType<JsonObject>()
            .Select(f => (Id: f.StringAt("id") ?? "", Name: f.StringAt("name") ?? f.StringAt("title") ?? ""))
            .Where(f => f.Id.Length > 0 && EnvFiles.Looks(f.Name))
            .Select(f => ((string, string)?)f).FirstOrDefault();

    public async Task ReceiveAsync(Origin origin, (string Id, string Name) file, string? caption, CancellationToken cancellationToken)
    {
        if (!Access.IsDirect(origin))
        {
            // Not read: the command side's refusal says what to do about a secret posted where others see it.
            var refused = await handler.ReceiveEnvFileAsync(origin, file.Name, "", caption, cancellationToken).ConfigureAwait(false);
            await replies.TellPrivatelyAsync(refused, origin, cancellationToken).ConfigureAwait(false);
            return;
        }
        var result = await ReadAsync(file, cancellationToken).ConfigureAwait(false) switch
        {
            (null, { } problem) => CommandResult.Refuse(problem),
            ({ } text, _) => await handler.ReceiveEnvFileAsync(origin, file.Name, text, caption, cancellationToken).ConfigureAwait(false),
            _ => CommandResult.Refuse(EnvFiles.TooLarge(file.Name)),
        };
        await replies.SendAsync(result, origin, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The file's text; or null with what went wrong; or null and null when it is too large.</summary>
    private async Task<(string? Text, string? Problem)> ReadAsync((string Id, string Name) file, CancellationToken cancellationToken)
    {
        try
        {
            var info = await api.GetFileAsync(file.Id, cancellationToken).ConfigureAwait(false);
            if (info.Size > EnvFiles.MaxBytes) return (null, null);
            if (info.Download is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
                return (null, $"Slack did not give me a way to download {file.Name}. Send it again, or type `config set <app> KEY=value` here.");
            return await api.DownloadFileAsync(uri, cancellationToken).ConfigureAwait(false) is { } bytes
                ? (Encoding.UTF8.GetString(bytes), null) : (null, null);
        }
        catch (Exception e) when (e is SlackApiException or HttpRequestException or ExecutionRejectedException or TaskCanceledException)
        {
            var error = e is SlackApiException s ? s.Error : e.Message;
            logger.LogWarning("Could not fetch the shared file {File}: {Error}", file.Id, error);
            var scope = error == "missing_scope" ? " The bot needs the files:read scope in its Slack app settings." : "";
            return (null, $"I could not fetch {file.Name} from Slack ({error}).{scope} Nothing was set.");
        }
    }
}
