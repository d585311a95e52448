namespace Bot.Hosting;

/// <summary>
/// The command line: <c>bot [serve|worker|chat|send "text"|migrate|health] [--config file] [--data-dir dir] [--as name]</c>.
/// Options it does not know (such as <c>--urls</c>) are passed on to ASP.NET Core.
/// </summary>
public sealed record BotCli(string Verb, string? Text, string? ConfigFile, string? DataDir, string? UserName, string[] PassThrough)
{
    /// <summary>The verbs, as <see cref="Parse"/> knows them (hosting files name them; a test checks those against this list).</summary>
    public static readonly string[] Verbs = ["serve", "worker", "chat", "send", "migrate", "health", "heroku", "audit", "store", "help"];

    /// <summary><c>worker --drain</c>: run what is queued, then exit.</summary>
    public bool Drain { get; init; }

    /// <summary><c>serve --no-worker</c>: the web endpoints only; a separate <c>worker</c> (or <c>worker --drain</c>) runs the jobs.</summary>
    public bool NoWorker { get; init; }

    /// <summary><c>audit --since 7d --app web --json|--csv</c>: what to export, and how.</summary>
    public AuditQuery? Audit { get; init; }

    /// <summary><c>store stats --json</c>, <c>store prune --json</c>: the figures as JSON instead of text.</summary>
    public bool Json { get; init; }

    public const string Usage = """
        Usage: bot [command] [options]

        Commands:
          serve            web server and job worker (the default)
          worker           job worker only, for a separate worker process
          chat             talk to the bot in this terminal
          send "<text>"    run one command, wait for its outcome, print the conversation
                           (exit code 0 on success, 1 on failure or refusal)
          serve --no-worker
                           web server only; jobs are left to a worker process
          worker --drain   run the queued jobs (and recover abandoned ones), then exit
          migrate          apply the store's migrations (SQLite, or PostgreSQL by DATABASE_URL), then exit
          health [--url <base>] [--timeout 3s]
                           GET /healthz of a serve on this host (default http://127.0.0.1:$PORT, 8080);
                           exit code 0 when it answers 200 within the timeout (a container HEALTHCHECK)
          audit [--since 7d] [--app <app>] [--json|--csv]
                           print the audit log: every command, who sent it and what came of it
                           (--since a duration such as 1d or 12h, or a date such as 2026-11-30)
          store stats [--json]
                           rows and sizes per table, and on SQLite the file's size and free pages
          store prune [--json]
                           remove now what Retention no longer keeps (as the hourly run does, beside a
                           running bot), then print what went and the space given back
          heroku webhooks <app> [<env>] [--url <bot url>]
                           make the Heroku app webhook that sends alerts to this bot
                           (needs HEROKU_API_KEY, HEROKU_WEBHOOK_SECRET, --url or BOT_PUBLIC_URL)

        Options:
          --config <file>  JSON file with the Apps section (or set BOT_CONFIG)
          --data-dir <dir> where the database, clones and releases live (or DATA_DIR; default ./data)
          --as <name>      your name in the console conversation (default: $USER)
          --urls <urls>    where serve listens (or PORT)
        """;

    public static BotCli Parse(string[] args)
    {
        string verb = "serve";
        string? text = null, config = null, dataDir = null, user = null;
        var rest = new List<string>();
        var verbSeen = false;
        bool drain = false, noWorker = false, json = false;
        var audit = new AuditQuery();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new CliException($"{a} needs a value.");
            switch (a)
            {
                case "--config": config = Next(); break;
                case "--data-dir": dataDir = Next(); break;
                case "--as": user = Next(); break;
                case "-h" or "--help" or "help" when !verbSeen: verb = "help"; verbSeen = true; break;
                case "serve" or "worker" or "chat" or "migrate" or "health" when !verbSeen: verb = a; verbSeen = true; break;
                case "--drain" when verb == "worker": drain = true; break;
                case "--no-worker" when verb == "serve": noWorker = true; break;
                case "audit" when !verbSeen: verb = a; verbSeen = true; break;
                case "store" when !verbSeen:
                    verb = a;
                    verbSeen = true;
                    if (i + 1 >= args.Length || args[++i] is not ("stats" or "prune"))
                        throw new CliException("store needs what to do: bot store stats [--json] or bot store prune [--json].");
                    text = args[i];
                    break;
                case "--json" when verb == "store": json = true; break;
                case "--since" when verb == "audit": audit = AuditQuery.ParseSince(Next()) with { App = audit.App, Format = audit.Format }; break;
                case "--app" when verb == "audit": audit = audit with { App = Next() }; break;
                case "--json" or "--csv" when verb == "audit": audit = audit with { Format = a[2..] }; break;
                case "send" or "heroku" when !verbSeen:
                    verb = a;
                    verbSeen = true;
                    break;
                case "--url" when verb is "heroku" or "health":
                case "--timeout" when verb is "health":
                    rest.Add(a);
                    rest.Add(Next());
                    break;
                default:
                    if (!verbSeen && !a.StartsWith('-')) throw new CliException($"Unknown command '{a}'. Try: serve, worker, chat, send \"<text>\", migrate, health, audit, store stats, store prune, heroku webhooks <app>.");
                    if (verb is "send" or "heroku" && !a.StartsWith('-')) text = text is null ? a : text + " " + a;
                    else rest.Add(a);
                    break;
            }
        }
        // Options may come anywhere: `send --as ana "deploy example"` and `send "deploy example" --as ana` are the same.
        if (verb == "send" && string.IsNullOrWhiteSpace(text))
            throw new CliException("send needs the command text, e.g. bot send \"deploy example main\".");
        return new BotCli(verb, text, config ?? Environment.GetEnvironmentVariable("BOT_CONFIG"), dataDir, user, rest.ToArray())
        {
            Drain = drain,
            NoWorker = noWorker,
            Audit = verb == "audit" ? audit : null,
            Json = json,
        };
    }
}
