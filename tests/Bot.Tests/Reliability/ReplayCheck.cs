using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Deployments;
using Bot.Tests.Chat.Slack;

namespace Bot.Tests.Reliability;

/// <summary>
/// What a replay run must have left behind, delivery by delivery: one audit entry, one answer on the platform, one
/// deployment per deploy (with its card or pushed result), and nothing at all for any copy.
/// </summary>
public sealed class ReplayCheck(ReplayPlan plan, IReadOnlyList<Send> sends, PlatformFakes fakes, IDeploymentStore store)
{
    private readonly List<string> _problems = [];

    public int Deploys => plan.Deliveries.Count(d => d.Effect == Effect.Deploy);

    public async Task<List<string>> RunAsync()
    {
        foreach (var s in sends.Where(s => s.Status != 200))
            _problems.Add($"HTTP {s.Status} for {string.Join(", ", s.Items.Select(i => i.Delivery))}: {s.Answer}");
        await AuditAsync();
        await DeploymentsAsync();
        SlackAnswers();
        LineAnswers();
        await LocksAsync();
        _problems.AddRange(fakes.Slack.Violations.Select(v => "Slack spec: " + v));
        _problems.AddRange(fakes.Line.Violations.Select(v => "LINE spec: " + v));
        _problems.AddRange(fakes.Log.Kinds.Select(k => $"logged {k.Value.Count}× {k.Key}: {k.Value.First}"));
        return _problems;
    }

    private void Expect(int expected, int actual, string what)
    {
        if (expected != actual) _problems.Add($"{what}: {actual}, expected {expected}");
    }

    private async Task AuditAsync()
    {
        var audit = (await store.AuditLogAsync(null, 1_000_000, default)).ToLookup(e => e.Conversation);
        Expect(plan.Deliveries.Count, audit.Sum(g => g.Count()), "audit entries in all");
        foreach (var d in plan.Deliveries)
        {
            var entries = audit[d.Conversation].ToList();
            Expect(1, entries.Count, $"audit entries of {d}");
            if (entries.Count != 1) continue;
            var e = entries[0];
            if (!e.Command.EndsWith(d.Command, StringComparison.Ordinal) || e.Platform != (d.IsSlack ? "slack" : "line"))
                _problems.Add($"{d} was audited as `{e.Command}` on {e.Platform}");
            var outcome = d.Effect switch { Effect.Deploy => "ok: Queued deploy", Effect.Lock => "ok: 🔒 Locked", _ => "ok: " };
            if (!e.Result.StartsWith(outcome, StringComparison.Ordinal)) _problems.Add($"{d} ended `{e.Result}`, expected `{outcome}…`");
        }
    }

    private async Task DeploymentsAsync()
    {
        Expect(Deploys, fakes.Target.Deploys.Count, "deploys the target ran");
        for (var i = 0; i < ReplayPlan.AppCount; i++)
        {
            var app = ReplayPlan.App(i);
            var asked = plan.Deliveries.Where(d => d.Effect == Effect.Deploy && d.App == app).Select(d => d.Conversation).Order().ToList();
            var done = await store.ListAsync(app, null, 1000, activeOnly: false, default);
            Expect(asked.Count, done.Count, $"deployments of {app}");
            foreach (var d in done.Where(d => d.State != DeploymentState.Succeeded))
                _problems.Add($"{app} #{d.Number} ended {d.State}: {d.Message}");
            if (!asked.SequenceEqual(done.Select(d => d.Origin.Conversation).Order()))
                _problems.Add($"{app} was deployed from [{string.Join(", ", done.Select(d => d.Origin.Conversation))}], asked from [{string.Join(", ", asked)}]");
        }
    }

    private void SlackAnswers()
    {
        // A deploy's output goes to its card's thread (at once when the deploy is quick): that is the card's, not an answer.
        var posts = fakes.Slack.CallsTo("chat.postMessage").Where(c => !UnderOwnMessage(c)).ToLookup(c => (string?)c.Args["channel"]);
        var responses = fakes.Slack.ResponsePosts.ToLookup(p => p.Url.ToString());
        var bySend = sends.Where(s => s.IsSlack).ToLookup(s => s.Items[0].Delivery);
        foreach (var d in plan.Deliveries.Where(d => d.IsSlack))
        {
            var answers = bySend[d].Where(s => s.Answer.Length > 0).Select(s => s.Answer).ToList();
            Expect(d.Via == Via.Slash ? 1 : 0, answers.Count, $"HTTP answers with content to the {bySend[d].Count()} sends of {d}");
            if (d.Via == Via.Slash && answers.Count == 1 && !IsAnswerTo(d, JsonNode.Parse(answers[0])!))
                _problems.Add($"{d} was answered {answers[0]}");
            Expect(d.Via == Via.Button ? 1 : 0, responses[d.ResponseUrl].Count(), $"response_url posts for {d}");
            var inChannel = posts[d.Conversation].ToList();
            Expect(d.Via == Via.Mention ? 1 : 0, inChannel.Count(c => c.Args["thread_ts"] is not null), $"thread replies for {d}");
            Expect(d.Effect == Effect.Deploy ? 1 : 0, inChannel.Count(c => c.Args["thread_ts"] is null), $"cards posted for {d}");
        }
        Expect(plan.Deliveries.Count(d => d.Via == Via.Button), fakes.Slack.ResponsePosts.Count, "response_url posts in all");
        Expect(plan.Deliveries.Count(d => d.Via == Via.Mention || d.IsSlack && d.Effect == Effect.Deploy), posts.Sum(g => g.Count()), "chat.postMessage calls in all");
    }

    private bool UnderOwnMessage(FakeSlackCall post) =>
        (string?)post.Args["thread_ts"] is { } thread && fakes.Slack.MessageAt((string?)post.Args["channel"] ?? "", thread) is not null;

    private static bool IsAnswerTo(Delivery d, JsonNode answer) =>
        (string?)answer["response_type"] == "ephemeral"
        && (d.Effect != Effect.Deploy || ((string?)answer["text"])?.StartsWith("Queued deploy", StringComparison.Ordinal) == true);

    private void LineAnswers()
    {
        var replies = fakes.Line.Replies.ToLookup(r => r.Target);
        var pushes = fakes.Line.Pushes.ToLookup(r => r.Target);
        var loadings = fakes.Line.Loadings.ToLookup(r => r.Target);
        var line = plan.Deliveries.Where(d => !d.IsSlack).ToList();
        foreach (var d in line)
        {
            Expect(1, Enumerable.Range(0, d.Copies).Sum(copy => replies[d.ReplyToken(copy)].Count()), $"replies to the {d.Copies} copies of {d}");
            Expect(d.Effect == Effect.Deploy ? 1 : 0, pushes[d.Conversation].Count(), $"pushes for {d}");
            Expect(d.Effect == Effect.Deploy && d.Via == Via.LineUser ? 1 : 0, loadings[d.Conversation].Count(), $"loading animations for {d}");
        }
        Expect(line.Count, fakes.Line.Replies.Count, "LINE replies in all");
        Expect(line.Count(d => d.Effect == Effect.Deploy), fakes.Line.Pushes.Count, "LINE pushes in all");
    }

    private async Task LocksAsync()
    {
        var locks = (await store.LocksAsync(null, default)).Where(l => l.Kind == LockKind.Manual).ToDictionary(l => l.App);
        var last = ReplayPlan.HoldEffect(ReplayPlan.RoundCount - 1);
        for (var i = 0; i < ReplayPlan.HoldCount; i++)
        {
            var hold = ReplayPlan.Hold(i);
            var by = plan.Deliveries.Last(d => d.App == hold);
            if (last == Effect.Lock && (!locks.TryGetValue(hold, out var l) || !l.HolderId.EndsWith(by.IsSlack ? "U0ALICE" : by.Conversation, StringComparison.Ordinal)))
                _problems.Add($"{hold} should be locked by the one who sent {by}");
            if (last == Effect.Unlock && locks.ContainsKey(hold)) _problems.Add($"{hold} should be unlocked");
        }
    }
}
