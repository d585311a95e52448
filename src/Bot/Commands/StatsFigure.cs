namespace Bot.Commands;

/// <summary>
/// One figure beside the previous period's: <see cref="Arrow"/> is ↑, ↓ or → (empty when either period has none), and
/// <see cref="Verdict"/> says whether that way is <c>better</c> or <c>worse</c> for this figure.
/// </summary>
public sealed record StatsFigure(string Name, double? Value, string Shown, string PreviousShown, string Arrow, string? Verdict)
{
    public string Line => $"{Name}: {Shown}" + (Arrow.Length == 0 ? "" : $" {Arrow}") + (Verdict is null ? "" : $" {Verdict}") + $" (was {PreviousShown})";

    public static StatsFigure Of(string name, double? now, double? before, string shown, string previousShown, bool higherIsBetter)
    {
        if (now is not { } n || before is not { } b) return new(name, now, shown, previousShown, "", null);
        // Equal as shown is equal: 12% and 12% is no change, whatever the digits behind them.
        if (shown == previousShown || n == b) return new(name, now, shown, previousShown, "→", null);
        var up = n > b;
        return new(name, now, shown, previousShown, up ? "↑" : "↓", up == higherIsBetter ? "better" : "worse");
    }
}
