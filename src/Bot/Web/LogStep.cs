using Bot.Deployments;

namespace Bot.Web;

/// <summary>One step of a deployment (build, deploy, health, release, ...) and the lines it printed.</summary>
public sealed class LogStep(int index, string name, DateTimeOffset at)
{
    public int Index { get; } = index;
    public string Name { get; } = name;
    public DateTimeOffset At { get; } = at;
    public List<StoryLine> Lines { get; } = [];
    /// <summary>"done in 3.2s" once it finished.</summary>
    public string? Done { get; set; }
    public bool Failed { get; set; }
    /// <summary>Lines printed outside any step (before the first, or after one ended): never the step a deploy failed in.</summary>
    public bool Between { get; init; }
}
