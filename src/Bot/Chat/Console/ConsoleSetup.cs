using Microsoft.Extensions.DependencyInjection;

namespace Bot.Chat.Console;

public static class ConsoleSetup
{
    /// <summary>The terminal as a chat platform, printing to <paramref name="output"/> (the console modes, <c>chat</c> and <c>send</c>).</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services, TextWriter output)
    {
        services.AddSingleton(new ConsolePlatform(output));
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<ConsolePlatform>());
        return services;
    }
}
