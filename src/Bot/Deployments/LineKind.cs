namespace Bot.Deployments;

/// <summary>What a <see cref="StoryLine"/> is: a state reached, a step begun or done, a line of output, a notice or warning.</summary>
public enum LineKind { State, Step, Output, ErrorOutput, Notice, Warning }
