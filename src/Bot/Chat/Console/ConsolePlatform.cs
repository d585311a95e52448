using System.Text;
using Bot.Commands;
using Bot.Deployments;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Chat.Console;

/// <summary>
/// The terminal as a chat channel: each message and each step of a deployment is printed as new
/// lines, wrapped to the terminal's width (80 columns when it is not a terminal).
/// </summary>
public sealed class ConsolePlatform(TextWriter output) : IChatPlatform
{
    public const string PlatformName = "console";
    private const string Indent = "     ";
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private LiveMessages<long, DeploymentCard>? _cards;

    private LiveMessages<long, DeploymentCard> Cards =>
        LazyInitializer.EnsureInitialized(ref _cards, () => new(_ => new Printer(this), "the console card of deployment", TimeProvider.System, NullLogger.Instance));

    public string Name => PlatformName;

    public static int Width => System.Console.IsOutputRedirected ? 80 : Math.Clamp(System.Console.WindowWidth, 40, 160);

    public Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken)
    {
        Write(Render(message));
        return Task.CompletedTask;
    }

    /// <summary>
    /// While held, deployment progress waits, so the answer to a command is printed before the
    /// progress of the deployment it queued (the worker is often faster than the reply).
    /// </summary>
    public async Task<IDisposable> HoldProgressAsync()
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        return new Release(_turn);
    }

    private sealed class Release(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }

    /// <summary>A terminal cannot edit what it printed: each step of a card is printed as it comes, by the card's own live message.</summary>
    public async Task ShowDeploymentAsync(DeploymentCard card, StoryLine trigger, CancellationToken cancellationToken)
    {
        if (Render(card, trigger) is not { } text) return;
        var message = Cards.Show(card.Deployment.Id, card, text, card.Deployment.IsFinished && trigger.Kind == LineKind.State, out _);
        await message.IdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Prints a card's lines as soon as they come, after any answer being printed (<see cref="HoldProgressAsync"/>).</summary>
    private sealed class Printer(ConsolePlatform console) : ILiveSender<DeploymentCard>
    {
        public TimeSpan Due(LiveBatch<DeploymentCard> pending) => pending.Lines.Count > 0 ? TimeSpan.Zero : Timeout.InfiniteTimeSpan;

        public bool MayPass(Exception e) => false;

        public async Task SendAsync(LiveBatch<DeploymentCard> batch, CancellationToken cancellationToken)
        {
            await console._turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { console.Write(string.Concat(batch.Lines)); }
            finally { console._turn.Release(); }
            (batch.Changed, batch.Skipped) = (false, 0);
            batch.Lines.Clear();
        }
    }

    private static string? Render(DeploymentCard card, StoryLine trigger)
    {
        var d = card.Deployment;
        var text = trigger.Kind switch
        {
            LineKind.State when d.State == DeploymentState.Queued => null,
            LineKind.State when d.State == DeploymentState.AwaitingApproval => Wrap($"bot> ⏸ {d.App} #{d.Number} → {d.Env}: {card.StateWord} · {card.LiveNote}", Indent),
            LineKind.State when d.State == DeploymentState.Running => Wrap($"bot> ⏳ {d.App} #{d.Number} → {d.Env}: {card.StateWord} {card.Summary}", Indent)
                + (card.LogUrl is { } log ? Wrap($"{Indent}Full log: {log}", Indent) : ""),
            LineKind.State => Final(card),
            LineKind.Step => Wrap($"{Indent}▸ {trigger.Text}", Indent + "  "),
            LineKind.Output or LineKind.ErrorOutput => Wrap($"{Indent}│ {trigger.Text}", Indent + "│ "),
            LineKind.Warning => Wrap($"{Indent}! {trigger.Text}", Indent + "  "),
            _ => Wrap($"{Indent}• {trigger.Text}", Indent + "  "),
        };
        return text;
    }

    /// <summary>
    /// A terminal cannot edit what it printed: an alert prints when it starts and when it is resolved, and a
    /// line at 10, 100, 1000... repeats, so a storm does not scroll everything else away.
    /// </summary>
    public Task ShowAlertAsync(Conversation to, AlertCard card, AlertChange change, CancellationToken cancellationToken)
    {
        var count = card.Alert.Count;
        if (change == AlertChange.Repeated)
        {
            if (count >= 10 && Math.Log10(count) % 1 == 0)
                Write(Wrap($"bot> ↻ {card.Title} ({count} times)", Indent));
            return Task.CompletedTask;
        }
        var sb = new StringBuilder(Wrap($"bot> {card.Title}", Indent));
        sb.Append(Wrap($"{Indent}{card.Summary}", Indent));
        if (card.Detail is { } detail) sb.Append(Wrap($"{Indent}{detail}", Indent));
        if (card.Alert.Link is { } link) sb.Append(Wrap($"{Indent}{link}", Indent));
        if (card.PageUrl is { } page) sb.Append(Wrap($"{Indent}Alert page: {page}", Indent));
        sb.Append(ActionsLine(card.Actions));
        Write(sb.ToString());
        return Task.CompletedTask;
    }

    /// <summary>Whoever types at this terminal: <paramref name="name"/> when given, else the login name.</summary>
    public static Origin User(string? name)
    {
        name ??= Environment.GetEnvironmentVariable("USER") ?? Environment.UserName;
        if (string.IsNullOrWhiteSpace(name)) name = "you";
        return new Origin(PlatformName, "console", null, name, name);
    }

    /// <summary>Prints what the user typed, as the conversation would show it.</summary>
    public void Echo(string userName, string text) => Write(Wrap($"{userName}> {text}", Indent));

    private static string Final(DeploymentCard card)
    {
        var sb = new StringBuilder();
        sb.Append(Wrap($"bot> {card.Title}", Indent));
        sb.Append(Wrap($"{Indent}{card.Summary}", Indent));
        if (card.Deployment.State == DeploymentState.Succeeded && card.Deployment.Url is { } url)
            sb.Append(Wrap($"{Indent}{url}", Indent));
        if (card.Outcome is { } outcome)
            sb.Append(Wrap($"{Indent}{outcome}", Indent));
        if (card.LogUrl is { } log)
            sb.Append(Wrap($"{Indent}Full log: {log}", Indent));
        sb.Append(ActionsLine(card.Actions));
        return sb.ToString();
    }

    public static string Render(ChatMessage message)
    {
        var sb = new StringBuilder();
        var mark = message.Tone switch { Tone.Error => "⚠️ ", _ => "" };
        var first = true;
        foreach (var line in message.Text.Split('\n'))
        {
            sb.Append(Wrap((first ? "bot> " + mark : Indent) + line, Indent + "  "));
            first = false;
        }
        if (message.Lines is { Count: > 0 } lines)
            foreach (var line in lines)
                sb.Append(Wrap($"{Indent}│ {line}", Indent + "│ "));
        sb.Append(ActionsLine(message.ActionList));
        return sb.ToString();
    }

    private static string ActionsLine(IReadOnlyList<ChatAction> actions) =>
        actions.Count == 0 ? "" : Wrap($"{Indent}→ " + string.Join(" · ", actions.Select(a => a.Command)), Indent + "  ");

    /// <summary>Breaks a line at spaces to fit the width; long words are cut.</summary>
    internal static string Wrap(string line, string continuation)
    {
        var width = Width;
        var sb = new StringBuilder();
        var rest = line;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOf(' ', width - 1);
            if (cut <= continuation.Length) cut = width;
            sb.Append(rest.AsSpan(0, cut).TrimEnd()).Append('\n');
            rest = continuation + rest[cut..].TrimStart();
        }
        return sb.Append(rest).Append('\n').ToString();
    }

    private void Write(string text)
    {
        lock (_gate)
        {
            output.Write(text);
            output.Flush();
        }
    }
}
