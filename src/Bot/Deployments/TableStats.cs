namespace Bot.Deployments;

/// <summary>One table: its exact row count, and its size with its indexes (null when the database cannot say).</summary>
public sealed record TableStats(string Name, long Rows, long? Bytes);
