namespace Bot.Deployments.Store;

/// <summary>Thrown inside an enqueue to roll it back when the app/env lock went to someone else first.</summary>
internal sealed class LockTaken : Exception;
