namespace Bot.Deployments;

/// <summary>When a finished deployment's output lines were removed (<c>Retention:Output</c>), and the setting that removed them.</summary>
public sealed record OutputRemoval(DateTimeOffset At, string Setting)
{
    /// <summary>What the log page and <c>logs &lt;app&gt; #n</c> say where the output would be.</summary>
    public string Describe() => $"Output removed on {At.UtcDateTime:yyyy-MM-dd} (Retention:Output = {Setting}).";
}
