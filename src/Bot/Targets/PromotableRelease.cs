namespace Bot.Targets;

/// <summary>
/// What serves in an environment, as a target can put it elsewhere: <see cref="Id"/> in the target's own terms (a slug id,
/// a function version, an image by digest), <see cref="Label"/> for people (<c>v42 (slug 1a2b3c4)</c>), and the commit it
/// was built from when the target knows it.
/// </summary>
public sealed record PromotableRelease(string Id, string Label, string? Sha);
