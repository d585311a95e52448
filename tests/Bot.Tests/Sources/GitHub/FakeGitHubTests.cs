using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Sources.GitHub;

/// <summary>The fake itself: it refuses what GitHub would refuse, and answers in the shapes GitHub's description gives.</summary>
public sealed class FakeGitHubTests : IAsyncLifetime
{
    private const string Sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private FakeGitHub _github = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync("/api/v3");
        _github.SetCheckRuns("acme/web", Sha, FakeCheckRun.Done("build", "success"), new FakeCheckRun("test", "in_progress"));
        _github.SetStatuses("acme/web", Sha, new FakeCommitStatus("ci/jenkins", "success", "https://ci.example.com/1"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _github.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/api/v3/repos/acme/web/hooks", null, "no operation of GitHub's REST API has this path")]
    [InlineData("PUT", "/api/v3/repos/acme/web/deployments", null, "takes GET, POST, not PUT")]
    [InlineData("GET", "/repos/acme/web/commits/" + Sha + "/status", null, "outside /api/v3/")]
    [InlineData("GET", "/api/v3/repos/acme/web/commits/" + Sha + "/check-runs?per_page=many", null, "query per_page is string, the schema says integer")]
    [InlineData("GET", "/api/v3/repos/acme/web/commits/" + Sha + "/check-runs?status=done", null, "not one of")]
    [InlineData("GET", "/api/v3/repos/acme/web/commits/" + Sha + "/check-runs?pagesize=5", null, "query pagesize is not a parameter")]
    [InlineData("POST", "/api/v3/repos/acme/web/deployments", """{"environment":"production"}""", "body.ref is required")]
    [InlineData("POST", "/api/v3/repos/acme/web/deployments", """{"ref":"main","auto_merge":"no"}""", "body.auto_merge is string, the schema says boolean")]
    [InlineData("POST", "/api/v3/repos/acme/web/deployments", """{"ref":"main","enviroment":"production"}""", "body.enviroment is not a field the schema names")]
    [InlineData("POST", "/api/v3/repos/acme/web/deployments/12/statuses", """{"state":"done"}""", "body.state is \"done\", not one of")]
    [InlineData("POST", "/api/v3/repos/acme/web/deployments/twelve/statuses", """{"state":"success"}""", "path deployment_id is string, the schema says integer")]
    public async Task A_request_GitHub_would_refuse_is_a_violation_and_refused(string method, string path, string? body, string problem)
    {
        var response = await SendAsync(method, path, body);

        Assert.True((int)response.StatusCode is 404 or 422, $"answered {(int)response.StatusCode}");
        Assert.Contains(_github.Violations, v => v.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_without_GitHubs_headers_is_a_violation()
    {
        var response = await SendAsync("GET", $"/api/v3/repos/acme/web/commits/{Sha}/status", null, headers: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_github.Violations, v => v.Contains("Accept is ''", StringComparison.Ordinal));
        Assert.Contains(_github.Violations, v => v.Contains("X-GitHub-Api-Version is ''", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/commits/" + Sha + "/status", "repos/get-combined-status-for-ref")]
    [InlineData("/commits/" + Sha + "/check-runs?per_page=1", "checks/list-for-ref")]
    public async Task Its_answers_have_the_shape_GitHubs_description_gives(string path, string operationId)
    {
        var response = await SendAsync("GET", "/api/v3/repos/acme/web" + path, null);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var operation = GitHubRestSpec.Operations.Single(o => o.Id == operationId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(GitHubRestSpec.Validate(json, GitHubRestSpec.ResponseSchema(operation, 200)!, "answer"));
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task A_page_of_check_runs_links_to_the_next_and_a_write_needs_a_token()
    {
        var page = await SendAsync("GET", $"/api/v3/repos/acme/web/commits/{Sha}/check-runs?per_page=1", null);
        var write = await SendAsync("POST", "/api/v3/repos/acme/web/deployments", $$"""{"ref":"{{Sha}}"}""", token: false);

        Assert.Contains("page=2>; rel=\"next\"", page.Headers.GetValues("Link").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Empty(_github.Deployments);
    }

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? body, bool headers = true, bool token = true)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_github.Url, path));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "tests");
        if (headers)
        {
            request.Headers.TryAddWithoutValidation("Accept", "application/vnd.github+json");
            request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
        }
        if (token) request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {FakeGitHub.Token}");
        return _http.SendAsync(request);
    }
}
