namespace Bot.Targets.Lambda;

/// <summary>What a build left: the zip's bytes when it worked, else why not.</summary>
public sealed class BuildOutcome
{
    public byte[]? Zip { get; set; }
    public string? Failure { get; set; }
}
