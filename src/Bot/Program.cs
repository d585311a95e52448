using Bot.Configuration;
using Bot.Hosting;

// bot [serve|worker|chat|send "<text>"|migrate|health|audit|store stats|store prune]: see BotCli.Usage and README.md.
try
{
    var cli = BotCli.Parse(args);
    return cli.Verb switch
    {
        "help" => Usage(),
        "worker" when cli.Drain => await DrainCommand.RunAsync(cli),
        "worker" => await ServeCommand.RunWorkerAsync(cli),
        "migrate" => await MigrateCommand.RunAsync(cli),
        "health" => await HealthCommand.RunAsync(cli),
        "chat" => await ConsoleCommand.ChatAsync(cli),
        "send" => await ConsoleCommand.SendAsync(cli),
        "heroku" => await HerokuCommand.RunAsync(cli),
        "audit" => await AuditExport.RunAsync(cli),
        "store" when cli.Text == "prune" => await StorePruneCommand.RunAsync(cli),
        "store" => await StoreStatsCommand.RunAsync(cli),
        _ => await ServeCommand.RunAsync(cli),
    };
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"Configuration error: {e.Message}");
    return 2;
}
catch (CliException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("Type `bot --help` for usage.");
    return 2;
}

static int Usage()
{
    Console.WriteLine(BotCli.Usage);
    return 0;
}

public partial class Program;
