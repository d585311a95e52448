namespace Bot.Tests.Reliability;

/// <summary>
/// The replay run, made from a seed: rounds of requests, each round a mix of first deliveries and copies of earlier
/// ones (Slack retries with the same body, LINE redeliveries alone or batched with new events). A round deploys an app
/// at most once, and the next round starts when every deployment has ended, so no deploy is ever refused as busy.
/// </summary>
public sealed class ReplayPlan
{
    public const int AppCount = 50, HoldCount = 10, RoundCount = 10, RequestsPerRound = 500, FirstSendsPerRound = 350;

    private readonly Random _random;
    private readonly List<Delivery> _deliveries = [];
    private readonly List<Delivery> _line = [];

    public ReplayPlan(int seed)
    {
        _random = new Random(seed);
        Rounds = Enumerable.Range(0, RoundCount).Select(MakeRound).ToList();
    }

    public IReadOnlyList<Delivery> Deliveries => _deliveries;
    public IReadOnlyList<IReadOnlyList<Send>> Rounds { get; }

    public static string App(int i) => $"app{i:D2}";
    public static string Hold(int i) => $"hold{i:D2}";

    /// <summary>Holds are locked in odd rounds and unlocked in even ones, so after the last (odd) round all are locked.</summary>
    public static Effect HoldEffect(int round) => round % 2 == 1 ? Effect.Lock : Effect.Unlock;

    private IReadOnlyList<Send> MakeRound(int round)
    {
        var sends = new List<Send>();
        var firsts = new List<Delivery>();
        var batch = new List<(Delivery, int)>();
        void Add(Delivery d)
        {
            firsts.Add(d);
            d.Copies = 1;
            if (d.IsSlack)
            {
                sends.Add(new Send([(d, 0)]));
                return;
            }
            batch.Add((d, 0));
            _line.Add(d);
            if (batch.Count < 1 + _random.Next(3)) return;
            // Now and then LINE redelivers an earlier event in the same webhook as new ones.
            if (_random.Next(4) == 0) batch.Insert(_random.Next(batch.Count + 1), CopyOf(_line[_random.Next(_line.Count)]));
            sends.Add(new Send([.. batch]));
            batch.Clear();
        }

        for (var i = 0; i < AppCount; i++)
            if (_random.Next(2) == 0)
                Add(New(round, Pick(Via.Slash, Via.Slash, Via.LineUser, Via.LineGroup), Effect.Deploy, App(i), $"deploy {App(i)}"));
        for (var i = 0; i < HoldCount; i++)
        {
            var effect = HoldEffect(round);
            Add(New(round, Pick(Via.Slash, Via.LineUser), effect, Hold(i), effect == Effect.Lock ? $"lock {Hold(i)} r{round}" : $"unlock {Hold(i)}"));
        }
        while (sends.Count < FirstSendsPerRound)
        {
            var app = App(_random.Next(AppCount));
            var command = _random.Next(2) == 0 ? $"status {app}" : $"history {app} 3";
            Add(New(round, (Via)_random.Next(6), Effect.Read, app, command));
        }
        if (batch.Count > 0) sends.Add(new Send([.. batch]));

        while (sends.Count < RequestsPerRound)
        {
            // Mostly copies of this round's deliveries, racing their first send; some of earlier rounds'.
            var d = _random.Next(4) > 0 || round == 0 ? firsts[_random.Next(firsts.Count)] : _deliveries[_random.Next(_deliveries.Count)];
            sends.Add(new Send([CopyOf(d)]));
        }
        return [.. sends.OrderBy(_ => _random.Next())];
    }

    private Delivery New(int round, Via via, Effect effect, string app, string command)
    {
        var d = new Delivery(_deliveries.Count + 1, round, via, effect, app, command);
        _deliveries.Add(d);
        // Made now, before senders race for it: a button tap's body has a random trigger id.
        if (d.IsSlack) _ = d.SlackBody;
        return d;
    }

    private (Delivery, int) CopyOf(Delivery d) => (d, d.Copies++);

    private Via Pick(params Via[] choices) => choices[_random.Next(choices.Length)];
}
