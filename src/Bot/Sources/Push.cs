namespace Bot.Sources;

/// <summary>
/// A branch moved to <see cref="Sha"/>: what a GitHub <c>push</c> webhook or a poll of the repository saw. Deleted branches
/// and tags never become a <see cref="Push"/>. <see cref="Repository"/> is <c>owner/repo</c> for GitHub, else the URL or
/// path the poll read. <see cref="Pusher"/> is an identity as config lists write it (<c>github:ana</c>), null when unknown.
/// </summary>
public sealed record Push(
    string Repository,
    string Branch,
    string Sha,
    string? Before,
    bool Forced,
    string? Pusher,
    string PusherName,
    string? CompareUrl,
    IReadOnlyList<PushedCommit> Commits,
    string Via);
