using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets.Lambda;

namespace Bot.Targets.Ecs;

/// <summary>
/// Deploys an ECS service (Fargate or EC2): a new revision of its task definition that changes only the container's image,
/// the service updated to it, and the rollout followed until ECS says the PRIMARY deployment runs it and is COMPLETED.
/// A rollout ECS rolls back by itself (its circuit breaker, alarms) is a failure, said as such. Rollback and put-back
/// update the service to an earlier revision and follow that the same way.
/// </summary>
public sealed partial class EcsTarget(EcsApi ecs, CloudWatchApi cloudWatch, AwsClient aws, EcsOptions options, BotOptions bot, TimeProvider time)
    : IDeployTarget, IHasStatus, IHasReleases, ICanScale, ICanRestart, IPutsBack, ICleansUpInterrupted
{
    public string Kind => "ecs";

    /// <summary>The members of <c>RegisterTaskDefinitionRequest</c>: what a new revision carries over (the rest is read-only).</summary>
    private static readonly string[] Registered =
    [
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes", "placementConstraints",
        "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode", "proxyConfiguration", "inferenceAccelerators",
        "ephemeralStorage", "runtimePlatform", "enableFaultInjection",
    ];

    public void Validate(AppEnvConfig app)
    {
        var s = EcsSettings.Read(app);
        if (s.Region is null) aws.Options.RequireRegion($"{app.App} deploys to Amazon ECS (or set `Ecs:Region`)");
        // A task runs its Command in a one-off ECS task: one without stops startup rather than its first run.
        foreach (var task in app.Tasks.Values.Where(t => t.Command is null))
            throw new ConfigException($"{task.KeyPath}:Command", "missing; the command an ECS task runs in the app's container, e.g. \"bin/migrate\"");
    }

    public IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, CancellationToken cancellationToken) =>
        DeployCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.App), cancellationToken);

    public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) =>
        RollbackCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> DeployCoreAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = EcsSettings.Read(request.App);
        var service = await ecs.DescribeServiceAsync(s, ct).ConfigureAwait(false);
        var current = await ecs.DescribeTaskDefinitionAsync(s, service.TaskDefinition!, ct).ConfigureAwait(false);
        var before = EcsNames.Revision(service.TaskDefinition);
        var container = Container(request.App, s, current.TaskDefinition);
        var oldImage = (string?)container["image"];

        string image;
        if (s.Build is { } build)
        {
            if (request.Commit is null || request.Source is null)
                throw new DeployFailedException($"{request.App.App} has no commit to build.", $"Set `Repository` of {request.App.App}, or give `Ecs:Image` without `Ecs:Build`.");
            image = s.Image is { } template ? EcsSettings.ImageFor(template, request.Commit.Sha, request.Ref) : Retagged(oldImage, request.Commit.Sha);
            var built = new EcsBuild.Outcome();
            await foreach (var e in EcsBuild.RunAsync(bot.DataDir, request, build, image, s.Timeout, built, time, ct).ConfigureAwait(false))
                yield return e;
            if (built.Failure is { } why)
                throw new DeployFailedException($"{why}. Nothing was changed: {s.Service} still runs {before}.", $"Fix the build and type `deploy {request.App.App}` again.");
        }
        else if (s.Image is { } template)
        {
            image = EcsSettings.ImageFor(template, request.Commit?.Sha, request.Ref);
        }
        else
        {
            throw new DeployFailedException($"{request.App.App} has neither `Ecs:Image` nor `Ecs:Build`, so there is no new image to deploy.",
                $"Set `Ecs:Image` of {request.App.App} (e.g. \"…/web:{{sha}}\"), or `Ecs:Build` to a command that pushes it.");
        }
        yield return new Notice($"Image {image} for container {container["name"]} (was {oldImage}).");

        yield return new StepStarted("register");
        var started = time.GetTimestamp();
        var register = NewRevision(current, (string)container["name"]!, image, request);
        var registered = await ecs.RegisterTaskDefinitionAsync(s, register, ct).ConfigureAwait(false);
        var arn = (string)registered.TaskDefinition["taskDefinitionArn"]!;
        var revision = EcsNames.Revision(arn);
        yield return new StepFinished("register", time.GetElapsedTime(started));
        yield return new Notice($"Registered {revision}: {before} with only the image of {container["name"]} changed.");

        var watch = new Rollout(service, s.Timeout, time);
        yield return new GoingLive(before);
        yield return new StepStarted("rollout");
        started = time.GetTimestamp();
        var updated = await ecs.UpdateServiceAsync(s, new UpdateServiceRequest(s.Cluster, s.Service, TaskDefinition: arn), ct).ConfigureAwait(false);
        watch.Follow(updated, arn);
        await foreach (var e in FollowAsync(s, request.App.App, watch, ct).ConfigureAwait(false))
            yield return e;
        yield return new StepFinished("rollout", time.GetElapsedTime(started));
        yield return new Released(revision, request.App.Url);
    }

    private async IAsyncEnumerable<DeployEvent> RollbackCoreAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = EcsSettings.Read(request.App);
        var service = await ecs.DescribeServiceAsync(s, ct).ConfigureAwait(false);
        var live = EcsNames.Revision(service.TaskDefinition);
        var family = live[..Math.Max(0, live.LastIndexOf(':'))];
        if (request.Release is null)
            throw new DeployFailedException($"The bot has no earlier good deployment of {request.App.App} to go back to, and it never guesses \"current − 1\".",
                $"Name the revision: `rollback {request.App.App} <revision>` (`history {request.App.App}` lists them).");
        var target = EcsNames.Named(request.Release, family) ?? throw new DeployFailedException($"`{request.Release}` is not a task definition revision.",
            $"Type `history {request.App.App}` to see the revisions, then `rollback {request.App.App} {family}:<n>`.");
        try { await ecs.DescribeTaskDefinitionAsync(s, target, ct).ConfigureAwait(false); }
        catch (AwsApiException e) when (e.Code is "ClientException" or "InvalidParameterException")
        {
            throw new DeployFailedException($"ECS has no task definition {target} ({e.Reason}).", $"Type `history {request.App.App}` to see the revisions.");
        }
        if (target == live && service.Primary?.RolloutState == "COMPLETED" && service.Deployments?.Count == 1)
            throw new DeployFailedException($"{s.Service} already runs {target}.", $"Type `history {request.App.App}` to pick another revision.");
        yield return new Notice($"Updating {s.Service} from {live} back to {target}.");
        yield return new StepStarted("rollout");
        var started = time.GetTimestamp();
        var watch = new Rollout(service, s.Timeout, time);
        var updated = await ecs.UpdateServiceAsync(s, new UpdateServiceRequest(s.Cluster, s.Service, TaskDefinition: target), ct).ConfigureAwait(false);
        watch.Follow(updated, target);
        await foreach (var e in FollowAsync(s, request.App.App, watch, ct).ConfigureAwait(false))
            yield return e;
        yield return new StepFinished("rollout", time.GetElapsedTime(started));
        yield return new Released(target, request.App.Url);
    }

    /// <summary>The container <see cref="Container"/> would pick, or null where it would refuse (for <c>status</c>, which only shows it).</summary>
    private static JsonObject? TryContainer(EcsSettings s, JsonObject taskDefinition)
    {
        var all = (taskDefinition["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var candidates = s.Container is { } name ? all.Where(c => (string?)c["name"] == name).ToList() : all.Where(IsEssential).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    /// <summary>ECS's default: a container is essential unless it says otherwise.</summary>
    private static bool IsEssential(JsonObject c) => c["essential"] is not JsonValue v || v.GetValue<bool>();

    /// <summary>The container whose image changes: <c>Ecs:Container</c>, else the only essential one.</summary>
    private static JsonObject Container(AppEnvConfig app, EcsSettings s, JsonObject taskDefinition)
    {
        var all = (taskDefinition["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (s.Container is { } name)
            return all.FirstOrDefault(c => (string?)c["name"] == name) ?? throw new DeployFailedException(
                $"{EcsNames.Revision((string?)taskDefinition["taskDefinitionArn"])} has no container {name} (it has {string.Join(", ", all.Select(c => (string?)c["name"]))}).",
                $"Fix `Ecs:Container` of {app.App}.");
        var essential = all.Where(IsEssential).ToList();
        return essential.Count == 1 ? essential[0] : throw new DeployFailedException(
            $"{EcsNames.Revision((string?)taskDefinition["taskDefinitionArn"])} has {essential.Count} essential containers ({string.Join(", ", essential.Select(c => (string?)c["name"]))}), so I don't know which one gets the new image.",
            $"Set `Ecs:Container` of {app.App} to one of them.");
    }

    /// <summary>The registration of the next revision: every registrable field as ECS returned it, the image changed, the bot's tags set.</summary>
    private static JsonObject NewRevision(TaskDefinitionAnswer current, string container, string image, DeployRequest request)
    {
        var register = new JsonObject();
        foreach (var key in Registered)
            if (current.TaskDefinition[key] is { } value) register[key] = value.DeepClone();
        foreach (var c in ((JsonArray)register["containerDefinitions"]!).OfType<JsonObject>())
            if ((string?)c["name"] == container) c["image"] = image;
        var tags = new JsonArray();
        foreach (var t in current.Tags ?? [])
            if (t.Key is not EcsNames.DeploymentTag and not EcsNames.ShaTag) tags.Add((JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value });
        tags.Add((JsonNode)new JsonObject { ["key"] = EcsNames.DeploymentTag, ["value"] = request.Number.ToString(CultureInfo.InvariantCulture) });
        if (request.Commit?.Sha is { } sha) tags.Add((JsonNode)new JsonObject { ["key"] = EcsNames.ShaTag, ["value"] = sha });
        register["tags"] = tags;
        return register;
    }

    /// <summary><c>…/web:old</c> → <c>…/web:&lt;sha&gt;</c>: where a build without <c>Ecs:Image</c> pushes.</summary>
    private static string Retagged(string? image, string sha)
    {
        var name = image ?? "";
        var at = name.IndexOf('@');
        if (at >= 0) name = name[..at];
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/')) name = name[..colon];
        return $"{name}:{sha}";
    }

    internal static DeployFailedException Explain(AwsApiException e, AppEnvConfig app) => e.Code switch
    {
        "ServiceNotFoundException" or "ClusterNotFoundException" => new($"ECS could not find the service: {e.Reason}.",
            $"Check `Ecs:Cluster`, `Ecs:Service` and `Ecs:Region` of {app.App}."),
        "AccessDeniedException" or "UnrecognizedClientException" or "InvalidSignatureException" or "NoCredentials" => new(
            $"AWS refused the bot's credentials for {e.Call} ({e.Reason}).",
            "Give the bot's IAM identity the ECS permissions in the README (ecs:DescribeServices, RegisterTaskDefinition, UpdateService, iam:PassRole, …)."),
        "ServiceNotActiveException" => new($"The ECS service is not active ({e.Reason}).", $"Type `status {app.App}`."),
        _ when e.Status is 0 or >= 500 => new($"ECS did not answer {e.Call} ({e.Reason}).", "AWS may be having trouble (health.aws.amazon.com); try again in a few minutes."),
        _ => new($"ECS refused {e.Call}: {e.Code}: {e.Reason}", $"Fix what it says, then try again; `status {app.App}` shows where things stand."),
    };
}
