using System.Text.Json;
using Bot.Hosting;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary><c>bot audit</c> run as a real process, after commands sent as real processes: the export formats.</summary>
public sealed class AuditCliTests : IDisposable
{
    private readonly TempDir _dir = new("audit-cli");
    private readonly GitRepo _repo;

    public AuditCliTests()
    {
        _repo = new GitRepo(_dir["repo"]);
        _repo.Commit("App", ("deploy.sh", "echo deployed\n"));
    }

    private Dictionary<string, string?> Env(params (string Key, string Value)[] settings)
    {
        var env = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _dir["data"], ["USER"] = "tester",
            ["Apps__web__Target"] = "shell", ["Apps__web__Repository"] = _repo.Path, ["Apps__web__Shell__Deploy"] = "sh deploy.sh",
            // A console identity in the config: the console is checked like any platform, so a refusal is possible here.
            ["People__ana__0"] = "console:ana", ["People__ana__1"] = "slack:U0ANA0001",
            ["Apps__web__Deployers__0"] = "ana",
        };
        foreach (var (k, v) in settings) env[k.Replace(":", "__")] = v;
        return env;
    }

    private async Task SendAsync(string user, string text, int expectedCode)
    {
        var (code, stdout, stderr) = await BotProcess.RunAsync(Env(), _dir.Path, "send", "--as", user, text);
        Assert.True(code == expectedCode, $"{text} as {user}: exit {code}\n{stdout}{stderr}");
    }

    [Fact]
    public async Task Exports_accepted_and_refused_commands_as_json_and_csv()
    {
        await SendAsync("ana", "deploy web", 0);
        await SendAsync("mallory", "deploy web", 1);

        var json = await BotProcess.RunAsync(Env(), _dir.Path, "audit", "--since", "1d", "--json");
        Assert.True(json.Code == 0, json.Stderr);
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        string Field(JsonElement row, string name) => row.GetProperty(name).ValueKind == JsonValueKind.Null ? "" : row.GetProperty(name).GetString()!;
        Assert.Equal(("ana", "console:ana", "console", "web", "production", "deploy web", "ok"),
            (Field(rows[0], "person"), Field(rows[0], "identity"), Field(rows[0], "platform"), Field(rows[0], "app"), Field(rows[0], "env"), Field(rows[0], "command"), Field(rows[0], "outcome")));
        Assert.Equal(("", "console:mallory", "refused"), (Field(rows[1], "person"), Field(rows[1], "identity"), Field(rows[1], "outcome")));
        Assert.StartsWith("refused: Only `Apps:web:Deployers` may deploy web to production; ask one of them: ana.", Field(rows[1], "result"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", Field(rows[0], "at"));

        var csv = await BotProcess.RunAsync(Env(), _dir.Path, "audit", "--since", "1d", "--csv", "--app", "web");
        Assert.True(csv.Code == 0, csv.Stderr);
        // Rows end in CRLF (RFC 4180); the harness reads stdout line by line.
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at,person,identity,platform,conversation,user_name,app,env,command,outcome,result", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",ana,console:ana,console,console,ana,web,production,deploy web,ok,", lines[1]);
        Assert.Contains(",,console:mallory,console,console,mallory,web,production,deploy web,refused,refused: Only `Apps:web:Deployers` may deploy web to production; ask one of them: ana.", lines[2]);

        var none = await BotProcess.RunAsync(Env(), _dir.Path, "audit", "--app", "api", "--json");
        Assert.Equal((0, "[]"), (none.Code, none.Stdout.Trim()));

        // The plain listing keeps each entry on one line, however many lines its answer had.
        await SendAsync("ana", "status web", 0);
        var text = await BotProcess.RunAsync(Env(), _dir.Path, "audit", "--since", "1d");
        Assert.True(text.Code == 0, text.Stderr);
        var entries = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, entries.Length);
        Assert.All(entries, e => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", e));
        Assert.Matches(@"^\S+ ana \(console:ana\) in console: status web → ok: web · production \(shell\) ⏎ .+", entries[2]);
    }

    [Theory]
    [InlineData("RateLimit", "fast", "Configuration error: RateLimit: 'fast' should be a count per time, such as 20/min")]
    [InlineData("People:bo:0", "U0BO", "Configuration error: People:bo: 'U0BO' should be platform:id")]
    [InlineData("People:bo:0", "console:ana", "Configuration error: People:bo: 'console:ana' is already ana's")]
    public async Task A_malformed_people_or_rate_limit_key_stops_startup_with_one_line(string key, string value, string expected)
    {
        var (code, stdout, stderr) = await BotProcess.RunAsync(Env((key, value)), _dir.Path, "send", "status");
        Assert.Equal((2, ""), (code, stdout));
        Assert.StartsWith(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task A_since_that_is_neither_a_duration_nor_a_date_is_refused()
    {
        var (code, _, stderr) = await BotProcess.RunAsync(Env(), _dir.Path, "audit", "--since", "yesterday");
        Assert.Equal(2, code);
        Assert.StartsWith("--since takes a duration such as 7d or 12h, or a date such as 2026-11-30, not 'yesterday'.", stderr);
    }

    [Fact]
    public void Csv_quotes_commas_quotes_and_line_breaks_and_keeps_formulas_as_text()
    {
        var row = new AuditRow("2026-12-01T09:00:00Z", null, "slack:U1", "slack", "C1", "Bo \"B\"", "web", null, "=HYPERLINK(\"x\")", "refused", "a, b\nc");
        var lines = AuditExport.Csv([row]).Split("\r\n");
        Assert.Equal("2026-12-01T09:00:00Z,,slack:U1,slack,C1,\"Bo \"\"B\"\"\",web,,\"'=HYPERLINK(\"\"x\"\")\",refused,\"a, b\nc\"", lines[1]);
        Assert.Equal([""], lines[2..]);
    }

    public void Dispose() => _dir.Dispose();
}
