namespace Bot.Deployments;

/// <summary>
/// What the bot cannot vouch for about what serves one app/environment, kept as a note (scope <see cref="Scope"/>):
/// set when a deployment starts going live, cleared when one succeeds or the previous release is put back. While it
/// names a deployment that has ended, the last succeeded deployment is not known to be what serves.
/// </summary>
/// <param name="Step">The step the deployment was in when it last reported.</param>
/// <param name="Problem">Why nothing could be put back, once that is known; null while a put-back is still to come.</param>
public sealed record ServingNote(long DeploymentId, string Step, string? Problem)
{
    public const string Scope = "serving";

    /// <summary>The note's value when the last succeeded deployment is what serves.</summary>
    public const string Known = "";

    public static string Key(string app, string env) => $"{app}/{env}";

    public string Format() => $"{DeploymentId}\t{Step}\t{Problem}";

    public static ServingNote? Parse(string? value)
    {
        var parts = value?.Split('\t', 3);
        if (parts is not { Length: 3 } || !long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var id)) return null;
        return new ServingNote(id, parts[1], parts[2].Length == 0 ? null : parts[2]);
    }

    /// <summary><c>the health check</c>: a step's name as a sentence says it.</summary>
    public static string During(string? step) => step switch
    {
        null or "" => "its start",
        "health" => "the health check",
        "deploy" => "the deploy step",
        "restore" => "putting the previous release back",
        _ => $"the {step} step",
    };
}
