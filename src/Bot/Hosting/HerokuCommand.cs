using Bot.Configuration;
using Bot.Targets.Heroku;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// <c>bot heroku webhooks &lt;app&gt; [&lt;env&gt;] [--url https://bot.example.com]</c>: makes (or brings up to date) the
/// Heroku app webhook that sends build, release and dyno events to <c>/alerts/heroku</c>, signed with
/// <c>HEROKU_WEBHOOK_SECRET</c>. The bot's public address comes from <c>--url</c> or <c>BOT_PUBLIC_URL</c>.
/// </summary>
public static class HerokuCommand
{
    public static readonly string[] Events = ["api:build", "api:release", "dyno"];

    public static async Task<int> RunAsync(BotCli cli)
    {
        var words = (cli.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is not ["webhooks", _, ..] || words.Length > 3)
            throw new CliException("Usage: bot heroku webhooks <app> [<env>] [--url https://your-bot.example.com]");

        using var host = BotHost.Build(cli, BotRole.Tool);
        var apps = host.Services.GetRequiredService<AppCatalog>();
        var config = host.Services.GetRequiredService<IConfiguration>();

        if (apps.Find(words[1]) is not { } app)
            return Fail($"There is no app '{words[1]}'. Apps: {string.Join(", ", apps.Names)}.");
        if (!app.Target.Equals("heroku", StringComparison.OrdinalIgnoreCase))
            return Fail($"{app.Name} runs on the {app.Target} target, not heroku; only Heroku apps have Heroku webhooks.");
        var envs = words.Length == 3 ? [words[2]] : app.Environments;
        if (envs.FirstOrDefault(e => !app.HasEnv(e)) is { } unknown)
            return Fail($"{app.Name} has no environment '{unknown}'. It has: {string.Join(", ", app.Environments)}.");
        if (host.Services.GetRequiredService<HerokuOptions>().WebhookSecret is not { } secret)
            return Fail("HEROKU_WEBHOOK_SECRET is not set. Set it to a long random value (e.g. `openssl rand -hex 32`) here and where the bot serves, then run this again.");
        var publicUrl = config["url"] ?? config["BOT_PUBLIC_URL"];
        if (publicUrl is null || !Uri.TryCreate(publicUrl, UriKind.Absolute, out var bot) || bot.Scheme is not ("https" or "http"))
            return Fail(publicUrl is null
                ? "Where does Heroku reach the bot? Pass --url https://your-bot.example.com or set BOT_PUBLIC_URL."
                : $"'{publicUrl}' is not an http(s) URL. Pass --url https://your-bot.example.com.");
        var hook = bot.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/alerts/heroku";

        var api = host.Services.GetRequiredService<HerokuApi>();
        var request = new HerokuWebhookRequest(Events, "notify", hook, secret);
        foreach (var env in envs.Select(app.For))
        {
            var heroku = HerokuSettings.Read(env).App;
            try
            {
                var existing = (await api.ListWebhooksAsync(heroku, CancellationToken.None).ConfigureAwait(false))
                    .FirstOrDefault(w => string.Equals(w.Url, hook, StringComparison.OrdinalIgnoreCase));
                var made = existing is null
                    ? await api.CreateWebhookAsync(heroku, request, CancellationToken.None).ConfigureAwait(false)
                    : await api.UpdateWebhookAsync(heroku, existing.Id, request, CancellationToken.None).ConfigureAwait(false);
                Console.WriteLine($"{heroku} ({app.Name} {env.Env}): {(existing is null ? "created" : "updated")} webhook {made.Id} → {hook}");
                Console.WriteLine($"    events {string.Join(", ", Events)}; level notify; signed with HEROKU_WEBHOOK_SECRET.");
            }
            catch (HerokuApiException e)
            {
                var why = HerokuTarget.Explain(e, env);
                return Fail($"{heroku}: {why.Message} {why.Hint}");
            }
        }
        Console.WriteLine(app.Default.AlertChannels.Count > 0
            ? $"Failed builds and releases and crashed dynos of {app.Name} will show in {string.Join(", ", app.Default.AlertChannels)}."
            : $"{app.Name} has no AlertChannels yet, so its Heroku alerts are recorded but shown nowhere: add e.g. \"AlertChannels\": [\"slack:C0123\"].");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
