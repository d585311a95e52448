namespace Bot.Deployments;

/// <summary>A deployment that ended while going live, and so why what serves is not known.</summary>
public sealed record ServingDoubt(Deployment Stopped, ServingNote Note, bool PuttingBack)
{
    /// <summary><c>last deploy #13 was interrupted during the health check</c></summary>
    public string Describe()
    {
        var ended = Stopped.State switch
        {
            DeploymentState.Cancelled => "was cancelled",
            DeploymentState.Failed => "failed",
            _ => "was interrupted",
        };
        var what = $"last {Stopped.Verb} #{Stopped.Number} {ended} during {ServingNote.During(Note.Step)}";
        return Note.Problem is { } problem ? $"{what}. {problem.TrimEnd('.')}"
            : PuttingBack ? $"{what}; the previous release is being put back" : what;
    }
}
