using Bot.Configuration;
using Bot.Sources;

namespace Bot.Targets;

/// <summary>
/// Put an earlier release back. <see cref="Release"/> is the target's own name for it (a release
/// folder, <c>v122</c>, a Lambda version); null lets the target pick the one before the current.
/// <see cref="Commit"/>/<see cref="Source"/> let a target rebuild a release it no longer has.
/// </summary>
public sealed record RollbackRequest(AppEnvConfig App, int Number, string? Release, ResolvedCommit? Commit, SourceSnapshot? Source);
