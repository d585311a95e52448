using Bot.Commands;
using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Commands;

/// <summary>
/// A team as config writes it: ana (on Slack, LINE and the console), bo and carol, the group <c>@ops</c>, and the app
/// <c>web</c> whose production only ana deploys and only <c>@ops</c> (and its deployers) see, while anyone deploys staging.
/// </summary>
public static class PeopleRig
{
    public const string AnaSlack = "U0ANA0001";
    public const string AnaLine = "U4af4980629ana0000000000000000001";
    public const string BoSlack = "U0BO00001";
    public const string CarolSlack = "U0CAROL01";

    public static Dictionary<string, string?> Team(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string?>
        {
            ["People:ana:0"] = $"slack:{AnaSlack}",
            ["People:ana:1"] = $"line:{AnaLine}",
            ["People:ana:2"] = "console:ana",
            ["People:bo"] = $"slack:{BoSlack}",
            ["Groups:ops:0"] = "bo",
            ["Groups:ops:1"] = $"slack:{CarolSlack}",
            ["Admins:0"] = "ana",
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Environments:production:Deployers:0"] = "ana",
            ["Apps:web:Environments:production:Viewers:0"] = "@ops",
            ["Apps:web:Environments:staging:Url"] = "https://staging.example.test",
        };
        foreach (var (k, v) in extra) config[k] = v;
        return config;
    }

    public static Origin FromSlack(string user, string name = "someone") => new("slack", "C0DEPLOYS", null, user, name);

    public static Origin FromLine(string user, string name = "someone") => new("line", "C0LINEGROUP", null, user, name);

    public static Origin FromConsole(string user) => new("console", "console", null, user, user);

    public static Task<CommandResult> SendAsync(this TestBot bot, Origin origin, string text) =>
        bot.Handler.HandleAsync(new ChatRequest(origin, text), CancellationToken.None);

    /// <summary>Refused for who the sender is (not for a lock, a freeze or a busy environment).</summary>
    public static bool RefusedForWho(CommandResult result) =>
        !result.Ok && result.Messages[0].Text.StartsWith("Only `", StringComparison.Ordinal);

    public static T Get<T>(this TestBot bot) where T : notnull => bot.Services.GetRequiredService<T>();
}
