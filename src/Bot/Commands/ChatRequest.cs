using Bot.Deployments;

namespace Bot.Commands;

/// <summary>A line of chat from someone, with where it came from.</summary>
public sealed record ChatRequest(Origin Origin, string Text);
