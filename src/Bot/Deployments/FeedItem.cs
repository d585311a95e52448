namespace Bot.Deployments;

/// <summary>An item of <see cref="DeploymentFeed"/>: a deployment as it stood when <see cref="Line"/> was recorded.</summary>
public sealed record FeedItem(Deployment Deployment, StoryLine Line);
