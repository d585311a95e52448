using Bot.Configuration;

namespace Bot.Targets;

/// <summary>Put <see cref="Artifact"/>, read from <see cref="From"/>, onto <see cref="To"/> as its release number <see cref="Number"/>.</summary>
public sealed record PromoteRequest(AppEnvConfig From, AppEnvConfig To, int Number, PromotableRelease Artifact, string? By = null);
