namespace Bot.Deployments.Stats;

/// <summary>
/// How a counted deploy failed: it <see cref="Failed"/> before the bot saw it go live (a Lambda canary whose alarm went
/// off is one: the target moves the alias back itself); it was <see cref="PutBack"/> (it had begun going live and ended
/// any way but success, so the bot put the previous release back); or it succeeded and was <see cref="RolledBack"/> (a
/// rollback was the next release to go live).
/// </summary>
public enum FailureKind { Failed, PutBack, RolledBack }
