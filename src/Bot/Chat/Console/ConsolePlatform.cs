using System.Text;
using Bot.Commands;
using Bot.Deployments;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Chat.Console;

/// <summary>
/// The terminal as a chat channel: each message and each step of a deployment is printed as new
/// lines, wrapped to the terminal's width (<c>COLUMNS</c>, else 80, when it is not a terminal). What comes while the
/// prompt waits (a deploy's progress, a pushed deploy nobody typed here) starts on a line of its own.
/// </summary>
public sealed class ConsolePlatform(TextWriter output) : IChatPlatform
{
    public const string PlatformName = "console";
    private const string Indent = "     ";
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private LiveMessages<long, DeploymentCard>? _cards;
    private bool _prompting;

    private LiveMessages<long, DeploymentCard> Cards =>
        LazyInitializer.EnsureInitialized(ref _cards, () => new(_ => new Printer(this), "the console card of deployment", TimeProvider.System, NullLogger.Instance));

    public string Name => PlatformName;

    public static int Width => Math.Clamp(
        !System.Console.IsOutputRedirected ? System.Console.WindowWidth
        : int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) ? columns : 80, 40, 160);

    /// <summary>Prints the prompt of <c>chat</c>; until a line is typed (<see cref="Typed"/>), output clears it first.</summary>
    public void Prompt()
    {
        lock (_gate)
        {
            output.Write(PromptText);
            output.Flush();
            _prompting = true;
        }
    }

    /// <summary>A line was typed: the cursor is at the start of a new line.</summary>
    public void Typed()
    {
        lock (_gate) _prompting = false;
    }

    private const string PromptText = "> ";

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
            // A state the deployment has already left (read back from the store after it moved on): its own line shows what it is now.
            LineKind.State when trigger.State is { } said && said != d.State => null,
            LineKind.State when d.State == DeploymentState.Queued => null,
            // A pushed deploy nobody typed here: what it is and who pushed, before its run (the Full log link comes with that).
            LineKind.State when d.State == DeploymentState.Waiting => Wrap($"bot> {card.Title}", Indent) + Wrap($"{Indent}{card.Summary}", Indent)
                + ActionsLine(card.Actions),
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
        actions.Count == 0 ? "" : Wrap($"{Indent}→ " + string.Join(" · ", actions.Select(a => a.Url ?? a.Command)), Indent + "  ");

    /// <summary>Breaks a line at spaces to fit the width; long words are cut, but a link stays whole (a cut one cannot be opened).</summary>
    internal static string Wrap(string line, string continuation)
    {
        var width = Width;
        var sb = new StringBuilder();
        var rest = line;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOf(' ', width - 1);
            // A bullet begins the item it marks, not the line before it.
            if (cut > continuation.Length + 2 && rest[cut - 1] == '•' && rest[cut - 2] == ' ') cut -= 2;
            if (cut <= continuation.Length)
            {
                var word = rest.AsSpan(continuation.Length).TrimStart();
                var end = word.IndexOf(' ');
                cut = word.StartsWith("http://") || word.StartsWith("https://")
                    ? (end < 0 ? rest.Length : rest.Length - word.Length + end)
                    : width;
                if (cut >= rest.Length) break;
            }
            sb.Append(rest.AsSpan(0, cut).TrimEnd()).Append('\n');
            rest = continuation + rest[cut..].TrimStart();
        }
        return sb.Append(rest).Append('\n').ToString();
    }

    private void Write(string text)
    {
        lock (_gate)
        {
            // On a terminal the waiting prompt is cleared and drawn again below; in a file or pipe it is left on its line.
            var terminal = !System.Console.IsOutputRedirected;
            if (_prompting) output.Write(terminal ? "\r\u001b[2K" : "\n");
            output.Write(text);
            if (_prompting && terminal) output.Write(PromptText);
            else _prompting = false;
            output.Flush();
        }
    }
}
