namespace Bot.Targets.Shell;

/// <summary>The result of one shell step, filled in when its event stream ends.</summary>
public sealed class StepResult
{
    public int ExitCode { get; set; } = -1;
    public bool TimedOut { get; set; }
    public TimeSpan Elapsed { get; set; }
    public List<string> LastLines { get; } = [];
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}
