namespace Bot.Targets;

/// <summary>The target kinds this build has, by name.</summary>
public sealed class TargetRegistry(IEnumerable<IDeployTarget> targets)
{
    private readonly Dictionary<string, IDeployTarget> _byKind = targets.ToDictionary(t => t.Kind, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    public IDeployTarget Get(string kind) =>
        _byKind.TryGetValue(kind, out var t) ? t : throw new InvalidOperationException($"no target of kind '{kind}'");
}
