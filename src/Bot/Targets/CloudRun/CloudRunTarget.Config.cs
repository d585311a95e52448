using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets.Config;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Config vars: the env of the service's container (<c>CloudRun:Container</c>, else the first). A plain value is listed by
/// its fingerprint, a Secret Manager reference by what it names (the secret is never read). A change is a new revision
/// with that env and the rest of the template as it is, rolled out as a deploy is: traffic moved to it and read back.
/// </summary>
public sealed partial class CloudRunTarget : IHasConfig
{
    /// <summary>How many revisions back the listing looks for where each var got its value.</summary>
    public const int ConfigHistory = 50;

    public async Task<ConfigListing> ReadConfigAsync(AppEnvConfig app, ConfigFingerprints fingerprints, CancellationToken cancellationToken)
    {
        var s = CloudRunSettings.Read(app);
        try
        {
            var (service, _) = await run.GetServiceAsync(s.ServiceName, cancellationToken).ConfigureAwait(false);
            var env = Env(ContainerOf(service.Template?.Containers, s.Container));
            var revisions = await run.ListRevisionsAsync(s.ServiceName, ConfigHistory, cancellationToken).ConfigureAwait(false);
            var served = ServedRun(revisions, Serving(service), s.Container);
            var vars = env.Values.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v =>
            {
                var since = Since(served, v, revisions.Count < ConfigHistory);
                return v.Secret is { } secret
                    ? new ConfigVar(v.Name!, null, $"secret {secret.Secret}" + (secret.Version is { Length: > 0 } version ? $":{version}" : ""), since?.CreateTime, since?.ShortName)
                    : new ConfigVar(v.Name!, fingerprints.Of(v.Name!, v.Value ?? ""), null, since?.CreateTime, since?.ShortName);
            }).ToList();
            return new ConfigListing(vars, "Cloud Run service env");
        }
        catch (GoogleApiException e) { throw Explain(e, app); }
    }

    public IAsyncEnumerable<DeployEvent> ChangeConfigAsync(ConfigChangeRequest request, CancellationToken cancellationToken) =>
        ChangeConfigCoreAsync(request, cancellationToken).ExplainedBy((GoogleApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> ChangeConfigCoreAsync(ConfigChangeRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = CloudRunSettings.Read(request.App);
        if (s.Preview)
            throw new DeployFailedException($"{request.App.App} {request.App.Env} makes preview revisions of {s.Service}: its env is the service's, which the other environments share.",
                $"Change it where {s.Service} serves from. Nothing was changed.");
        var (service, json) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        var container = ContainerOf(service.Template?.Containers, s.Container)
            ?? throw new DeployFailedException(s.Container is null ? $"{s.Service} has no container." : $"{s.Service} has no container {s.Container}.",
                $"Check `{request.App.KeyOf("CloudRun:Container")}` and the service. Nothing was changed.");
        var (env, notes) = Changed(Env(container), request.Change);
        foreach (var note in notes) yield return note;
        if (env is null)
        {
            yield return new Notice($"{s.Service}'s env already is as asked: no new revision.");
            yield break;
        }
        if (s.Canary is not null)
            yield return new Notice("A config change moves all the traffic at once; CloudRun:Canary is for deploys.");
        var index = service.Template!.Containers!.ToList().IndexOf(container);
        var change = new TemplateChange($"env: {request.Change.Summary}", "config", KeepsCode: true,
            template => ((JsonObject)((JsonArray)template["containers"]!)[index]!)["env"] = env);
        var deploy = new DeployRequest(request.App, request.Number, null, null, null, request.By);
        await foreach (var e in RollOutLiveAsync(deploy, s with { Canary = null }, change, Serving(service), ct).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>
    /// The env after <paramref name="change"/>, in its order with new names last; null when that is what it already is. A set
    /// on a secret reference makes it a plain value, which the notes say.
    /// </summary>
    private static (JsonArray? Env, List<Notice> Notes) Changed(IReadOnlyDictionary<string, RunEnvVar> current, ConfigChange change)
    {
        var notes = new List<Notice>();
        var env = new JsonArray();
        var same = true;
        foreach (var (name, v) in current)
        {
            if (change.Unset.Contains(name, StringComparer.Ordinal))
            {
                same = false;
                continue;
            }
            if (change.Set.TryGetValue(name, out var value))
            {
                if (v.Secret is { } secret)
                    notes.Add(new Notice($"{name} was the secret {secret.Secret} in Secret Manager; it is now a plain value on the service.", IsWarning: true));
                same &= v.Secret is null && v.Value == value;
                env.Add((JsonNode)Plain(name, value));
            }
            else env.Add((JsonNode)Entry(v));
        }
        foreach (var name in change.Unset.Where(u => !current.ContainsKey(u)))
            notes.Add(new Notice($"{name} was not set, so there is nothing to unset."));
        foreach (var (name, value) in change.Set.Where(p => !current.ContainsKey(p.Key)))
        {
            same = false;
            env.Add((JsonNode)Plain(name, value));
        }
        return (same ? null : env, notes);
    }

    private static JsonObject Plain(string name, string value) => new() { ["name"] = name, ["value"] = value };

    /// <summary>An entry as it was read: a plain value, or its secret reference.</summary>
    private static JsonObject Entry(RunEnvVar v)
    {
        if (v.Secret is not { } secret) return Plain(v.Name!, v.Value ?? "");
        var reference = new JsonObject { ["secret"] = secret.Secret };
        if (secret.Version is not null) reference["version"] = secret.Version;
        return new JsonObject { ["name"] = v.Name, ["valueSource"] = new JsonObject { ["secretKeyRef"] = reference } };
    }

    private static RunContainer? ContainerOf(IReadOnlyList<RunContainer>? containers, string? name) =>
        name is null ? containers?.FirstOrDefault() : containers?.FirstOrDefault(c => c.Name == name);

    /// <summary>A container's env by name, in its order (Cloud Run refuses two entries of one name; the last would win).</summary>
    private static Dictionary<string, RunEnvVar> Env(RunContainer? container)
    {
        var env = new Dictionary<string, RunEnvVar>(StringComparer.Ordinal);
        foreach (var v in container?.Env ?? [])
            if (v.Name is { Length: > 0 } name) env[name] = v;
        return env;
    }

    /// <summary>The serving revision and the ready ones before it, newest first, each with its env.</summary>
    private static List<(RunRevision Revision, Dictionary<string, RunEnvVar> Env)> ServedRun(IReadOnlyList<RunRevision> revisions, string? serving, string? container)
    {
        var start = revisions.ToList().FindIndex(r => r.ShortName == serving);
        if (start < 0) return [];
        return revisions.Skip(start).Where(r => r.ShortName == serving || r.Ready?.Succeeded == true)
            .Select(r => (r, Env(ContainerOf(r.Containers, container)))).ToList();
    }

    /// <summary>
    /// The oldest revision of the unbroken run, from the serving one back, whose entry for <paramref name="v"/> is the same;
    /// null when the serving one's differs, or the run reaches past the revisions read (<paramref name="all"/> false).
    /// </summary>
    private static RunRevision? Since(List<(RunRevision Revision, Dictionary<string, RunEnvVar> Env)> run, RunEnvVar v, bool all) =>
        Config.ConfigHistory.SetIn(run, r => r.Env.TryGetValue(v.Name!, out var had) && Same(had, v), all) is var i and >= 0 ? run[i].Revision : null;

    private static bool Same(RunEnvVar a, RunEnvVar b) =>
        a.Secret is { } x ? b.Secret is { } y && x.Secret == y.Secret && x.Version == y.Version : b.Secret is null && a.Value == b.Value;
}
