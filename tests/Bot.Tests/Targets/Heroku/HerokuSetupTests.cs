using System.Net;
using Bot.Configuration;
using Bot.Sources;
using Bot.Targets.Heroku;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>Configuration checks, where the source comes from, and the fake's own judgement of requests.</summary>
public sealed class HerokuSetupTests
{
    [Theory]
    [InlineData(null, FakeHerokuApi.ApiKey, "Apps:web:Heroku:App: missing")]
    [InlineData("Acme_Web", FakeHerokuApi.ApiKey, "Apps:web:Heroku:App: 'Acme_Web' is not a Heroku app name")]
    [InlineData("acme-web", null, "HEROKU_API_KEY: not set; web deploys to Heroku")]
    public async Task A_wrong_or_missing_setting_stops_startup_naming_the_key(string? app, string? key, string expected)
    {
        var config = new Dictionary<string, string?> { ["Apps:web:Target"] = "heroku", ["Apps:web:Heroku:App"] = app, ["HEROKU_API_KEY"] = key };

        using var dir = new TempDir("heroku-config");
        var e = await Assert.ThrowsAsync<ConfigException>(async () => { await using var bot = await TestBot.StartAsync(config, dir: dir); });

        Assert.StartsWith(expected, e.Message);
    }

    [Theory]
    [InlineData("https://github.com/acme/web", "acme", "web")]
    [InlineData("https://github.com/acme/web.git", "acme", "web")]
    [InlineData("git@github.com:acme/web.git", "acme", "web")]
    [InlineData("ssh://git@github.com/acme/web.js", "acme", "web.js")]
    public void GitHub_repositories_are_recognised(string repository, string owner, string name) =>
        Assert.Equal((owner, name), HerokuSources.GitHubRepository(repository));

    [Theory]
    [InlineData("https://gitlab.com/acme/web")]
    [InlineData("/srv/git/web.git")]
    [InlineData("https://github.com/acme")]
    public void Other_repositories_are_not_taken_for_GitHub(string repository) => Assert.Null(HerokuSources.GitHubRepository(repository));

    [Fact]
    public async Task A_public_GitHub_repository_is_built_from_its_archive_link_without_calling_GitHub()
    {
        var github = new GitHubStub();
        await using var services = Services(github, token: null);
        var commit = new ResolvedCommit("main", new string('a', 40), "Fix login");

        var (blob, note) = await services.GetRequiredService<HerokuSources>().PrepareAsync(commit, null!, "https://github.com/acme/web", default);

        Assert.Equal($"https://github.com/acme/web/archive/{commit.Sha}.tar.gz", blob.Url);
        Assert.Equal((commit.Sha, "Fix login"), (blob.Version, blob.VersionDescription));
        Assert.Equal("Heroku fetches acme/web@aaaaaaa from GitHub.", note);
        Assert.Empty(github.Requests);
    }

    [Fact]
    public async Task A_private_GitHub_repository_hands_Heroku_the_short_lived_link_GitHub_redirects_to()
    {
        var github = new GitHubStub();
        await using var services = Services(github, token: "ghp_test_token_123456");
        var commit = new ResolvedCommit("main", new string('b', 40), "Fix login");

        var (blob, _) = await services.GetRequiredService<HerokuSources>().PrepareAsync(commit, null!, "https://github.com/acme/private", default);

        Assert.Equal("https://codeload.github.com/acme/private/legacy.tar.gz/bbbb?token=TEMPORARY", blob.Url);
        var request = Assert.Single(github.Requests);
        Assert.Equal($"https://api.github.test/repos/acme/private/tarball/{commit.Sha}", request.RequestUri!.ToString());
        Assert.Equal("Bearer ghp_test_token_123456", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task The_fake_refuses_requests_the_schema_does_not_allow()
    {
        await using var heroku = await FakeHerokuApi.StartAsync();
        heroku.AddApp("acme-web");
        using var http = new HttpClient { BaseAddress = heroku.Url };
        HttpRequestMessage Request(HttpMethod method, string path, string? json = null)
        {
            var r = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            r.Headers.TryAddWithoutValidation("Accept", "application/vnd.heroku+json; version=3");
            r.Headers.TryAddWithoutValidation("Authorization", $"Bearer {FakeHerokuApi.ApiKey}");
            return r;
        }

        var noSource = await http.SendAsync(Request(HttpMethod.Post, "/apps/acme-web/builds", """{"buildpacks":[]}"""));
        var notUuid = await http.SendAsync(Request(HttpMethod.Post, "/apps/acme-web/releases", """{"release":"v122"}"""));
        var wrongType = await http.SendAsync(Request(HttpMethod.Post, "/apps/acme-web/log-sessions", """{"lines":"100"}"""));
        var wrongMethod = await http.SendAsync(Request(HttpMethod.Put, "/apps/acme-web/formation", """{"updates":[]}"""));
        var badLevel = await http.SendAsync(Request(HttpMethod.Post, "/apps/acme-web/webhooks", """{"include":["dyno"],"level":"often","url":"https://x.test/"}"""));
        var good = await http.SendAsync(Request(HttpMethod.Patch, "/apps/acme-web/formation", """{"updates":[{"type":"web","quantity":2}]}"""));

        Assert.All([noSource, notUuid, wrongType, wrongMethod, badLevel], r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var violations = heroku.Violations;
        Assert.Equal(5, violations.Count);
        Assert.Contains("body.source_blob is required", violations[0]);
        Assert.Contains("is not a uuid", violations[1]);
        Assert.Contains("body.lines is string, the schema says integer", violations[2]);
        Assert.Contains("takes GET, PATCH, not PUT", violations[3]);
        Assert.Contains("not one of [\"notify\",\"sync\"]", violations[4]);
    }

    private static ServiceProvider Services(GitHubStub github, string? token)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HEROKU_API_KEY"] = FakeHerokuApi.ApiKey, ["GITHUB_TOKEN"] = token, ["GITHUB_API_URL"] = "https://api.github.test",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddHeroku(configuration);
        services.AddHttpClient(HerokuSources.GitHubClient).ConfigurePrimaryHttpMessageHandler(() => github);
        return services.BuildServiceProvider();
    }

    /// <summary>GitHub's tarball endpoint: a redirect to a download link with a temporary token in it.</summary>
    private sealed class GitHubStub : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("https://codeload.github.com/acme/private/legacy.tar.gz/bbbb?token=TEMPORARY");
            return Task.FromResult(response);
        }
    }
}
