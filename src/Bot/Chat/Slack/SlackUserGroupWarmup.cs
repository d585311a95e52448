using Bot.Commands;
using Microsoft.Extensions.Hosting;

namespace Bot.Chat.Slack;

/// <summary>Reads the configured user groups as the bot starts, so no command waits for the first read.</summary>
public sealed class SlackUserGroupWarmup(PeopleDirectory people) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => people.PrepareAsync(wait: false, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
