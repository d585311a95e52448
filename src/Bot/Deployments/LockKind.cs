namespace Bot.Deployments;

public enum LockKind { Deploy, Manual, Freeze }
