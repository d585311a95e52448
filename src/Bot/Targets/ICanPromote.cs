using Bot.Configuration;

namespace Bot.Targets;

/// <summary>Targets that can move traffic to a release already made (a canary, a preview) answer <c>promote</c>.</summary>
public interface ICanPromote
{
    Task<string> PromoteAsync(AppEnvConfig app, string? what, CancellationToken ct);
}
