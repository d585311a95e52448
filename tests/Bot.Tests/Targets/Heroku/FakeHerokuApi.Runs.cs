using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// Config vars (a change is a new release, described as Heroku describes it) and one-off dynos, which run once their log
/// session is read: Heroku's start lines, the script's output, then how the process exited, as logplex writes them.
/// </summary>
public sealed partial class FakeHerokuApi
{
    private int _runNumber = 1000;

    /// <summary>How the next one-off dyno runs.</summary>
    public RunScript NextRun { get; set; } = new();

    /// <summary>Lets a held one-off dyno finish.</summary>
    public void Release(FakeRun run) => run.Gate.TrySetResult();

    private static JsonObject ConfigJson(IReadOnlyDictionary<string, string> vars) =>
        new([.. vars.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))]);

    /// <summary>Values set, nulls removed (a name that is not set is ignored), and a release with the new config.</summary>
    private static (int, JsonNode) PatchConfig(FakeHerokuApp app, JsonObject body)
    {
        var set = body.Where(kv => kv.Value is not null).Select(kv => kv.Key).ToList();
        var removed = body.Where(kv => kv.Value is null && app.ConfigVars.ContainsKey(kv.Key)).Select(kv => kv.Key).ToList();
        foreach (var (name, value) in body)
            if (value is null) app.ConfigVars.Remove(name);
            else app.ConfigVars[name] = value.GetValue<string>();
        if (set.Count + removed.Count > 0)
        {
            var description = set.Count > 0 ? $"Set {string.Join(", ", set)} config vars" : $"Remove {string.Join(", ", removed)} config vars";
            MakeCurrent(app, NewRelease(app, description, "succeeded"));
        }
        return (200, ConfigJson(app.ConfigVars));
    }

    private (int, JsonNode) StartRun(FakeHerokuApp app, JsonObject body)
    {
        var run = new FakeRun($"run.{++_runNumber}", body["command"]!.GetValue<string>(), body["time_to_live"]?.GetValue<int>(), app.Current.Version, NextRun);
        app.Runs.Add(run);
        return (201, RunJson(app, run));
    }

    private static (int, JsonNode) DynoInfo(FakeHerokuApp app, string name)
    {
        if (app.Runs.Find(r => r.Name == name) is { } run) return run.Removed ? NotFound("dyno") : (200, RunJson(app, run));
        return app.Dynos.Find(d => d.Name == name) is { } dyno ? (200, DynoJson(dyno)) : NotFound("dyno");
    }

    private static (int, JsonNode) StopRun(FakeHerokuApp app, string name)
    {
        if (app.Runs.Find(r => r.Name == name && !r.Removed) is not { } run) return NotFound("dyno");
        run.Stopped = true;
        run.Gate.TrySetResult();
        return (202, new JsonObject());
    }

    private (int, JsonNode) LogSession(FakeHerokuApp app, JsonNode? body)
    {
        var dyno = body?["dyno_name"]?.GetValue<string>();
        var tail = body?["tail"]?.GetValue<bool>() == true;
        var url = app.Runs.Any(r => r.Name == dyno) ? new Uri(Url, $"_logs/{app.Name}/{dyno}?tail={(tail ? "true" : "false")}") : new Uri(Url, $"_logs/{Guid.NewGuid()}");
        return (201, new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["logplex_url"] = url.ToString(), ["created_at"] = Epoch.ToString("O") });
    }

    private static JsonObject RunJson(FakeHerokuApp app, FakeRun run) => new()
    {
        ["id"] = Guid.NewGuid().ToString(), ["name"] = run.Name, ["type"] = "run", ["state"] = run.State, ["command"] = run.Command,
        ["attach_url"] = null, ["release"] = new JsonObject { ["version"] = run.Version }, ["app"] = new JsonObject { ["name"] = app.Name },
        ["size"] = "Basic", ["created_at"] = Epoch.ToString("O"), ["updated_at"] = Epoch.ToString("O"),
    };

    /// <summary>
    /// A log session of a one-off dyno. The first tailed one plays the run: its lines are written as they happen, the
    /// exit lines last, and the stream then stays open as a tail does, until the reader goes away. An untailed one (or
    /// any later one) writes what the dyno has logged so far and ends.
    /// </summary>
    private async Task RunLogAsync(HttpContext context, string appName, string name)
    {
        FakeRun run;
        bool plays;
        lock (_gate)
        {
            run = _apps[appName].Runs.Single(r => r.Name == name);
            plays = context.Request.Query["tail"] == "true" && run.State == "starting";
            if (plays) run.State = "up";
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (!plays)
        {
            string[] kept;
            lock (_gate) kept = [.. run.Log];
            await WriteLinesAsync(context, kept);
            return;
        }
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _closing.Token);
        await WriteLinesAsync(context, [Line(run, "heroku", $"Starting process with command `{run.Command}`"), Line(run, "heroku", "State changed from starting to up")]);
        await WriteLinesAsync(context, [.. run.Script.Output.Select(l => Line(run, "app", l))]);
        if (run.Script.Hold)
        {
            try { await run.Gate.Task.WaitAsync(closing.Token); }
            catch (OperationCanceledException) { return; }
        }
        var (status, state) = run.Stopped ? (143, "complete") : (run.Script.ExitCode, run.Script.ExitCode == 0 ? "complete" : "crashed");
        var end = new List<string>();
        if (run.Stopped) end.Add(Line(run, "heroku", "Stopping all processes with SIGTERM"));
        end.Add(Line(run, "heroku", $"Process exited with status {status}"));
        end.Add(Line(run, "heroku", $"State changed from up to {state}"));
        lock (_gate)
        {
            (run.State, run.Removed) = (state, run.Script.DropsStream);
        }
        if (run.Script.DropsStream) return;
        await WriteLinesAsync(context, [.. end]);
        try { await Task.Delay(Timeout.Infinite, closing.Token); }
        catch (OperationCanceledException) { /* the reader went away, or the fake is closing */ }
    }

    /// <summary>A logplex line of the run, kept in its log: <c>2026-11-25T10:00:01.000000+00:00 app[run.1001]: text</c>.</summary>
    private string Line(FakeRun run, string source, string text)
    {
        lock (_gate)
        {
            var at = Epoch.AddSeconds(run.Log.Count).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            var line = $"{at}.000000+00:00 {source}[{run.Name}]: {text}";
            run.Log.Add(line);
            return line;
        }
    }

    private static async Task WriteLinesAsync(HttpContext context, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(line + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
}
