namespace Bot.Targets;

public abstract record DeployEvent;

/// <summary>A named step begins (build, deploy, health, release).</summary>
public sealed record StepStarted(string Step) : DeployEvent;

public sealed record StepFinished(string Step, TimeSpan Elapsed) : DeployEvent;

/// <summary>A line a build or deploy printed.</summary>
public sealed record OutputLine(string Text, bool IsError = false) : DeployEvent;

/// <summary>Something the target wants the user to know (a fallback taken, a retry).</summary>
public sealed record Notice(string Text, bool IsWarning = false) : DeployEvent;

/// <summary>
/// The target is about to change what serves (a shell <c>Deploy</c> starts, Heroku made a release): from here, any ending
/// but success needs <see cref="Previous"/> put back (<see cref="IPutsBack"/>). Null: nothing was live before.
/// </summary>
public sealed record GoingLive(string? Previous) : DeployEvent;

/// <summary>The new release is live: its name in the target's terms and where to see it.</summary>
public sealed record Released(string Release, string? Url) : DeployEvent;
