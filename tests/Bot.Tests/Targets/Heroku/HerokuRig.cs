using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// A bot whose app <c>web</c> deploys to the Heroku app <c>acme-web</c> (v1..v123, v123 live) of a <see cref="FakeHerokuApi"/>,
/// from a real git repository; everything else is the real bot (<see cref="TestBot"/>).
/// </summary>
public sealed class HerokuRig : IAsyncDisposable
{
    private readonly TempDir _dir;

    private HerokuRig(TempDir dir, FakeHerokuApi heroku, TestBot bot, GitRepo repo)
    {
        (_dir, Heroku, Bot, Repo) = (dir, heroku, bot, repo);
    }

    public FakeHerokuApi Heroku { get; }
    public TestBot Bot { get; }
    public GitRepo Repo { get; }
    public FakeHerokuApp App => Heroku.App("acme-web");

    public static async Task<HerokuRig> StartAsync(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var dir = new TempDir("heroku");
        var heroku = await FakeHerokuApi.StartAsync();
        heroku.AddApp("acme-web");
        var repo = new GitRepo(dir["repo"]);
        repo.Commit("Add the app", ("package.json", "{ \"name\": \"acme-web\" }\n"), ("Procfile", "web: npm start\nrelease: npm run migrate\n"));
        var config = Config(heroku, repo.Path);
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) config[k] = v;
        var bot = await TestBot.StartAsync(config, configure, dir: new TempDir("heroku-bot"));
        return new HerokuRig(dir, heroku, bot, repo);
    }

    public static Dictionary<string, string?> Config(FakeHerokuApi heroku, string repository) => new()
    {
        ["Apps:web:Target"] = "heroku",
        ["Apps:web:Heroku:App"] = "acme-web",
        ["Apps:web:Repository"] = repository,
        ["HEROKU_API_URL"] = heroku.Url.ToString(),
        ["HEROKU_API_KEY"] = FakeHerokuApi.ApiKey,
    };

    public Task<Deployment> DeployAsync(string text = "deploy web main") => Bot.DeployAsync(text);

    /// <summary>The texts of the deployment's stored events, in order.</summary>
    public async Task<List<string>> EventsAsync(long id) =>
        (await Bot.Store.EventsAsync(id, 0, 1000, CancellationToken.None)).Select(e => e.Text).ToList();

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Heroku.DisposeAsync();
        _dir.Dispose();
    }
}
