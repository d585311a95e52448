namespace Bot.Targets.Config;

/// <summary>
/// One config var as <c>config &lt;app&gt;</c> shows it: its name, a short keyed fingerprint of its value (equal values show
/// equal fingerprints across environments of this bot, and the value cannot be guessed from it), or what it refers to
/// when its value lives elsewhere (a Secret Manager secret), and when and in which release it last changed, when known.
/// </summary>
public sealed record ConfigVar(string Name, string? Fingerprint, string? Reference = null, DateTimeOffset? ChangedAt = null, string? ChangedIn = null);

/// <summary>What <see cref="IHasConfig.ReadConfigAsync"/> found: the vars in name order, and a note about where they are kept.</summary>
public sealed record ConfigListing(IReadOnlyList<ConfigVar> Vars, string? Note = null);

/// <summary>Apply <see cref="Change"/> to the app's config as its release number <see cref="Number"/>.</summary>
public sealed record ConfigChangeRequest(Configuration.AppEnvConfig App, int Number, ConfigChange Change, string? By = null);
