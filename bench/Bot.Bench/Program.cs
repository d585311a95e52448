using Bot.Bench;

// dotnet bench/Bot.Bench payloads slack|line COUNT FILE [text] | queue [single] [burst] | postgres [burst] [single] | logs FILE [runs] | feedback BOT [runs] | logpage [lines] [runs] [samples] | seed APPS DEPLOYMENTS [FILE] | pg-server COUNT FILE | scale page URL APP NUMBER [runs] | scale queue [single] [claims] | old-output ROWS [FILE]
return args.FirstOrDefault() switch
{
    "payloads" => Payloads.Run(args[1..]),
    "queue" => await QueueBench.RunAsync(args[1..]),
    "logs" => await LogsBench.RunAsync(args[1..]),
    "feedback" => await FeedbackBench.RunAsync(args[1..]),
    "intake" => await IntakeBench.RunAsync(args[1..]),
    "store" => await StoreBench.RunAsync(args[1..]),
    "postgres" => await PostgresBench.RunAsync(args[1..]),
    "logpage" => await LogPageBench.RunAsync(args[1..]),
    "seed" => await SeedBench.RunAsync(args[1..]),
    "pg-server" => await PgServer.RunAsync(args[1..]),
    "scale" => await ScaleBench.RunAsync(args[1..]),
    "old-output" => await OldOutputBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Bot.Bench payloads slack|line COUNT FILE [text] | queue [single] [burst] | postgres [burst] [single] | logs FILE [runs] | feedback BOT [runs] | logpage [lines] [runs] [samples] | seed APPS DEPLOYMENTS [FILE] | pg-server COUNT FILE | scale page URL APP NUMBER [runs] | scale queue [single] [claims] | old-output ROWS [FILE]");
    return 2;
}
