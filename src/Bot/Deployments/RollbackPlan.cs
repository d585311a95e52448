namespace Bot.Deployments;

/// <summary>What a rollback of an app/env would put back, or why there is nothing to put back.</summary>
public abstract record RollbackPlan;

/// <summary>
/// Put this back. <see cref="Release"/> null with a target that keeps its own releases: the target picks the one
/// before the live one. <see cref="ToParentCommit"/>: there was no earlier release, so it is the live commit's parent.
/// </summary>
public sealed record RollbackTo(string? Release, string? Ref, string? Sha, string? Subject, bool ToParentCommit) : RollbackPlan
{
    /// <summary>The release live now, if any.</summary>
    public Deployment? Live { get; init; }
}

/// <summary>Deployment #<see cref="Number"/> is not a successful release of this app/env.</summary>
public sealed record NotARelease(int Number) : RollbackPlan;

/// <summary>No release by that name (and the target keeps no list of its own to ask).</summary>
public sealed record NoSuchRelease(string Name) : RollbackPlan;

/// <summary>The release asked for is the live one.</summary>
public sealed record AlreadyLive(string Release, Deployment Live) : RollbackPlan;

/// <summary>Nothing earlier: no release at all (<see cref="Live"/> null) or only the live one.</summary>
public sealed record NothingEarlier(Deployment? Live) : RollbackPlan;
