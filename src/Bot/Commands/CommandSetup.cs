using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Commands;

public static class CommandSetup
{
    /// <summary>
    /// What turns a chat line into an answer: the people and their rate limit (<see cref="PeopleServices.AddPeople"/>),
    /// who may do what where, and the handler (which parses with <see cref="CommandParser"/>).
    /// </summary>
    public static IServiceCollection AddCommands(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPeople(configuration);
        services.AddSingleton<Access>();
        services.AddSingleton<CommandHandler>();
        return services;
    }
}
