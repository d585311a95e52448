namespace Bot.Deployments;

public enum EventKind { State, Step, Output, ErrorOutput, Notice, Warning }
