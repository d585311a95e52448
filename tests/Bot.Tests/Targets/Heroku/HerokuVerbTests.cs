using Bot.Chat;
using Bot.Commands;

namespace Bot.Tests.Targets.Heroku;

/// <summary>logs, scale, restart, maintenance and status of a Heroku app, each checked against the fake Platform API.</summary>
public sealed class HerokuVerbTests : IAsyncLifetime
{
    private HerokuRig _rig = null!;

    public async Task InitializeAsync() => _rig = await HerokuRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Logs_read_a_log_session_once_and_fit_the_lines_to_chat()
    {
        _rig.Heroku.LogLines.AddRange([
            "2026-11-25T10:00:01.123456+00:00 app[web.1]: GET /items 200 12ms",
            "2026-11-25T10:00:02.000001+00:00 heroku[router]: at=info method=GET path=\"/items\" status=200",
            "2026-11-25T10:00:03.500000+00:00 app[web.1]: Error: connection reset",
        ]);

        var result = await _rig.Bot.SendAsync("logs web 50 dyno web.1 source app");

        var message = Assert.Single(result.Messages);
        Assert.Equal(["10:00:01 web.1: GET /items 200 12ms", "10:00:02 heroku[router]: at=info method=GET path=\"/items\" status=200", "10:00:03 web.1: Error: connection reset"],
            message.Lines);
        var session = Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/log-sessions")).Body!;
        Assert.Equal(50, session["lines"]!.GetValue<int>());
        Assert.False(session["tail"]!.GetValue<bool>());
        Assert.Equal("web.1", session["dyno_name"]!.GetValue<string>());
        Assert.Equal("app", session["source"]!.GetValue<string>());
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Logs_with_grep_ask_for_the_whole_buffer_and_keep_matching_lines()
    {
        _rig.Heroku.LogLines.AddRange(["2026-11-25T10:00:01+00:00 app[web.1]: ok", "2026-11-25T10:00:02+00:00 app[web.2]: ERROR boom"]);

        var result = await _rig.Bot.SendAsync("logs web grep error");

        Assert.Equal(["10:00:02 web.2: ERROR boom"], Assert.Single(result.Messages).Lines);
        Assert.Equal(1500, _rig.Heroku.Calls("POST", "/apps/acme-web/log-sessions").Single().Body!["lines"]!.GetValue<int>());
    }

    [Fact]
    public async Task Scale_updates_the_formation_in_one_batch()
    {
        _rig.App.Formation.Add(new FakeFormation("worker", 0, "Basic"));

        var result = await _rig.Bot.SendAsync("scale web web=2 worker=1 standard-2x");

        Assert.True(result.Ok);
        Assert.Equal("Scaled acme-web: web=2 (standard-2x), worker=1 (standard-2x).", result.Messages[0].Text);
        var updates = _rig.Heroku.Calls("PATCH", "/apps/acme-web/formation").Single().Body!["updates"]!.AsArray();
        Assert.Equal("""[{"type":"web","quantity":2,"dyno_size":{"name":"standard-2x"}},{"type":"worker","quantity":1,"dyno_size":{"name":"standard-2x"}}]""",
            updates.ToJsonString());
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Scaling_a_process_type_the_app_does_not_have_says_so()
    {
        var result = await _rig.Bot.SendAsync("scale web clock=1");

        Assert.False(result.Ok);
        Assert.Contains("Couldn't find that formation.", result.Messages[0].Text);
        Assert.Contains("Heroku:App", result.Messages[0].Text);
    }

    [Theory]
    [InlineData("restart web", "/apps/acme-web/dynos")]
    [InlineData("restart web web.1", "/apps/acme-web/dynos/web.1")]
    [InlineData("restart web worker", "/apps/acme-web/formations/worker")]
    public async Task Restart_deletes_the_dynos_asked_for(string command, string path)
    {
        var result = await _rig.Bot.SendAsync(command);

        Assert.True(result.Ok, result.Messages[0].Text);
        Assert.Equal(path, Assert.Single(_rig.Heroku.Requests, r => r.Method == "DELETE").Path);
        Assert.Contains("`status web`", result.Messages[0].Text);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Maintenance_mode_goes_on_and_off()
    {
        var on = await _rig.Bot.SendAsync("maintenance web on");
        Assert.True(_rig.App.Maintenance);
        var off = await _rig.Bot.SendAsync("maintenance web off");

        Assert.Contains("acme-web is in maintenance mode", on.Messages[0].Text);
        Assert.Contains("`maintenance web off`", on.Messages[0].Text);
        Assert.Contains("out of maintenance mode", off.Messages[0].Text);
        Assert.False(_rig.App.Maintenance);
        Assert.Equal(["""{"maintenance":true}""", """{"maintenance":false}"""], _rig.Heroku.Calls("PATCH", "/apps/acme-web").Select(r => r.Body!.ToJsonString()));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Status_shows_the_formation_and_the_dynos()
    {
        _rig.App.Dynos.Add(new FakeDyno("web.2", "web", "crashed", 123));
        _rig.App.Maintenance = true;

        var result = await _rig.Bot.SendAsync("status web");

        var text = Assert.Single(result.Messages).Text;
        Assert.Contains("Heroku acme-web: web=1 (Basic)", text);
        Assert.Contains("Dynos: web.1 up v123", text);
        Assert.Contains("web.2 💥 crashed v123", text);
        Assert.Contains("Maintenance mode is on", text);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Help_offers_the_verbs_the_heroku_target_can_do()
    {
        var help = await _rig.Bot.SendAsync("help");

        foreach (var verb in new[] { "scale", "restart", "maintenance" })
            Assert.Contains($"`{verb} ", help.Messages[0].Text);
        Assert.Equal(Tone.Info, help.Messages[0].Tone);
    }
}
