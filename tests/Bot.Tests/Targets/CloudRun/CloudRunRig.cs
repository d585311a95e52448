using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// A bot whose app <c>site</c> deploys to the Cloud Run service <c>site</c> of a <see cref="FakeGoogleCloud"/>, built by Cloud
/// Build from a real git repository's <c>cloudbuild.yml</c>, with a service-account key whose token endpoint is the fake's;
/// everything else is the real bot (<see cref="TestBot"/>).
/// </summary>
public sealed class CloudRunRig : IAsyncDisposable
{
    public const string CloudBuildYaml = """
        # Build and push the image; the bot deploys it.
        steps:
          - id: build
            name: gcr.io/cloud-builders/docker
            args: ['build', '-t', 'asia-docker.pkg.dev/$PROJECT_ID/apps/site:$_DOCKER_IMAGE_TAG', '.']
          - id: push
            name: "gcr.io/cloud-builders/docker"
            args: ["push", "asia-docker.pkg.dev/$PROJECT_ID/apps/site:${_DOCKER_IMAGE_TAG}"]
            allowFailure: false
        images:
          - asia-docker.pkg.dev/$PROJECT_ID/apps/site:$_DOCKER_IMAGE_TAG
        options:
          machineType: E2_HIGHCPU_8
        timeout: 1200s
        """;

    private readonly TempDir _dir;

    private CloudRunRig(TempDir dir, FakeGoogleCloud google, TestBot bot, GitRepo repo) => (_dir, Google, Bot, Repo) = (dir, google, bot, repo);

    public FakeGoogleCloud Google { get; }
    public TestBot Bot { get; }
    public GitRepo Repo { get; }
    public FakeService Service => Google.Service("site");
    public string Short => Repo.Head()[..7];

    public static async Task<CloudRunRig> StartAsync(IDictionary<string, string?>? extra = null, Action<FakeGoogleCloud>? arrange = null)
    {
        var dir = new TempDir("cloudrun");
        var google = await FakeGoogleCloud.StartAsync();
        google.AddService("site");
        arrange?.Invoke(google);
        var repo = new GitRepo(dir["repo"]);
        repo.Commit("Add the site", ("cloudbuild.yml", CloudBuildYaml), ("Dockerfile", "FROM scratch\n"));
        var config = Config(google, repo.Path, dir.Path);
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) config[k] = v;
        var bot = await TestBot.StartAsync(config, dir: new TempDir("cloudrun-bot"));
        return new CloudRunRig(dir, google, bot, repo);
    }

    /// <summary>The app's keys, the API bases and a service-account key file written under <paramref name="folder"/>.</summary>
    public static Dictionary<string, string?> Config(FakeGoogleCloud google, string repository, string folder)
    {
        var key = Path.Combine(folder, "service-account.json");
        File.WriteAllText(key, google.ServiceAccountJson());
        return new()
        {
            ["Apps:site:Target"] = "cloudrun",
            ["Apps:site:Repository"] = repository,
            ["Apps:site:CloudRun:Project"] = FakeGoogleCloud.Project,
            ["Apps:site:CloudRun:Region"] = FakeGoogleCloud.Region,
            ["Apps:site:CloudRun:Service"] = "site",
            ["Apps:site:CloudRun:GitUrl"] = "https://github.com/acme/site",
            ["GOOGLE_CLOUDBUILD_API_URL"] = google.BuildApi.ToString(),
            ["GOOGLE_RUN_API_URL"] = google.RunApi.ToString(),
            ["GOOGLE_LOGGING_API_URL"] = google.LoggingApi.ToString(),
            ["GOOGLE_APPLICATION_CREDENTIALS"] = key,
            ["GOOGLE_POLL_INTERVAL"] = "5",
        };
    }

    public Task<Deployment> DeployAsync(string text = "deploy site main") => Bot.DeployAsync(text);

    /// <summary>The texts of the deployment's stored events, in order.</summary>
    public async Task<List<string>> EventsAsync(long id) =>
        (await Bot.Store.EventsAsync(id, 0, 1000, CancellationToken.None)).Select(e => e.Text).ToList();

    /// <summary>The service's traffic as Cloud Run resolves it: revision → percent (tags with no share left out).</summary>
    public Dictionary<string, int> Traffic() =>
        FakeGoogleCloud.Resolved(Service).Where(t => t.Percent > 0).GroupBy(t => t.Revision).ToDictionary(g => g.Key, g => g.Sum(t => t.Percent));

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Google.DisposeAsync();
        _dir.Dispose();
    }
}
