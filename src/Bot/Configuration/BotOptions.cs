namespace Bot.Configuration;

/// <summary>Process-wide settings that are not per app.</summary>
/// <param name="DataDir">SQLite file, clones and release folders (<c>DATA_DIR</c>, default <c>./data</c>).</param>
/// <param name="Groups">Named lists of users (<c>Groups:ops</c>), usable as <c>@ops</c> in Deployers/Approvers.</param>
/// <param name="Admins">Who may <c>freeze</c>/<c>unfreeze</c>; empty means anyone who may deploy.</param>
public sealed record BotOptions(
    string DataDir,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Groups,
    IReadOnlyList<string> Admins)
{
    public string DatabasePath => Path.Combine(DataDir, "bot.db");

    /// <summary><c>DATABASE_URL</c> (<c>postgres://…</c>): when set, the store is that PostgreSQL database instead of the SQLite file.</summary>
    public string? DatabaseUrl { get; init; }
}
