using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.Config;

namespace Bot.Tests.Support;

/// <summary>
/// A target whose apps have config vars, kept in memory: a change is a release (<c>v{number}</c>) that goes live like a deploy.
/// <see cref="Vars"/> is where a test reads what was really set; nothing else here ever shows a value.
/// </summary>
public sealed class FakeConfigTarget : IDeployTarget, IHasConfig
{
    public string Kind => "fakeconfig";

    public Dictionary<string, string> Vars { get; } = new(StringComparer.Ordinal);
    public List<ConfigChangeRequest> Changes { get; } = [];

    public void Validate(AppEnvConfig app) { }

    public async IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new Released($"v{request.Number}", null);
    }

    public async IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new Released(request.Release ?? $"v{request.Number}", null);
    }

    public Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken) => Task.FromResult(new LogResult([]));

    public Task<ConfigListing> ReadConfigAsync(AppEnvConfig app, ConfigFingerprints fingerprints, CancellationToken cancellationToken)
    {
        lock (Vars)
            return Task.FromResult(new ConfigListing([.. Vars.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => new ConfigVar(v.Key, fingerprints.Of(v.Key, v.Value), null, null, null))]));
    }

    public async IAsyncEnumerable<DeployEvent> ChangeConfigAsync(ConfigChangeRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new StepStarted("config");
        await Task.Yield();
        yield return new GoingLive(request.Number > 1 ? $"v{request.Number - 1}" : null);
        lock (Vars)
        {
            Changes.Add(request);
            var next = request.Change.ApplyTo(Vars);
            Vars.Clear();
            foreach (var (k, v) in next) Vars[k] = v;
        }
        yield return new Released($"v{request.Number}", null);
    }
}
