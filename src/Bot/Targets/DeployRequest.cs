using Bot.Configuration;
using Bot.Sources;

namespace Bot.Targets;

/// <summary>
/// What to deploy: a resolved commit (when the app has a repository) or just a ref such as an image tag.
/// <see cref="By"/> is who asked, for the target's own records (a Lambda version's description, a revision's annotation).
/// </summary>
public sealed record DeployRequest(AppEnvConfig App, int Number, string? Ref, ResolvedCommit? Commit, SourceSnapshot? Source, string? By = null);
