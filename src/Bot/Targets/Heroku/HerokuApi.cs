using System.Globalization;
using Bot.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Targets.Heroku;

/// <summary>
/// A thin typed client for exactly the Platform API calls the bot makes (builds, releases, slugs, sources, log sessions,
/// formation, dynos, config vars, apps, app webhooks). Every call carries <c>Accept: application/vnd.heroku+json; version=3</c>
/// and the bearer <c>HEROKU_API_KEY</c>; a refusal becomes <see cref="HerokuApiException"/> with Heroku's own id and message.
/// </summary>
/// <remarks>
/// One instance serves the whole process, so it sees every <c>RateLimit-Remaining</c> Heroku reports and paces calls
/// before the account's 4,500-an-hour budget runs out. A 429 is waited out, and 5xx and timeouts are retried, by the
/// resilience handler under the <c>heroku</c> client (see <see cref="HerokuServices"/>). URLs Heroku hands out
/// (<c>put_url</c>, <c>output_stream_url</c>, <c>logplex_url</c>) are fetched with a client that never sends the key.
/// </remarks>
public sealed partial class HerokuApi(IHttpClientFactory clients, HerokuOptions options, TimeProvider time)
{
    public Task<HerokuApp> GetAppAsync(string app, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, $"apps/{Seg(app)}", null, HerokuJson.Default.HerokuApp, ct);

    public Task<HerokuApp> SetMaintenanceAsync(string app, bool on, CancellationToken ct) =>
        CallAsync(HttpMethod.Patch, $"apps/{Seg(app)}", PlatformJson.Content(new HerokuAppUpdate(on), HerokuJson.Default.HerokuAppUpdate), HerokuJson.Default.HerokuApp, ct);

    /// <summary><c>POST /sources</c>: a pair of URLs, one to upload a tarball to and one Heroku builds from.</summary>
    public Task<HerokuSource> CreateSourceAsync(CancellationToken ct) =>
        CallAsync(HttpMethod.Post, "sources", null, HerokuJson.Default.HerokuSource, ct);

    /// <summary>Starts a build. Never retried: a repeated POST would start a second build (and a second release).</summary>
    public Task<HerokuBuild> CreateBuildAsync(string app, HerokuSourceBlob source, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/builds", PlatformJson.Content(new HerokuBuildRequest(source), HerokuJson.Default.HerokuBuildRequest),
            HerokuJson.Default.HerokuBuild, ct, retry: false);

    public Task<HerokuBuild> GetBuildAsync(string app, string id, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/builds/{Seg(id)}", null, HerokuJson.Default.HerokuBuild, ct);

    /// <summary><c>DELETE /apps/{app}/builds/{id}</c>: Heroku stops a build that is still running.</summary>
    public Task CancelBuildAsync(string app, string id, CancellationToken ct) =>
        CallAsync(HttpMethod.Delete, $"apps/{Seg(app)}/builds/{Seg(id)}", ct);

    /// <summary>A release by id or by version number.</summary>
    public Task<HerokuRelease> GetReleaseAsync(string app, string idOrVersion, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/releases/{Seg(idOrVersion)}", null, HerokuJson.Default.HerokuRelease, ct);

    /// <summary>The newest <paramref name="max"/> releases, newest first (Heroku's <c>Range</c> paging).</summary>
    public async Task<IReadOnlyList<HerokuRelease>> ListReleasesAsync(string app, int max, CancellationToken ct) =>
        await CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/releases", null, HerokuJson.Default.ListHerokuRelease, ct,
            range: $"version ..; order=desc, max={Math.Clamp(max, 1, 1000).ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);

    /// <summary>Makes a new release with the slug and config of <paramref name="releaseId"/>.</summary>
    public Task<HerokuRelease> RollbackAsync(string app, string releaseId, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/releases", PlatformJson.Content(new HerokuRollbackRequest(releaseId), HerokuJson.Default.HerokuRollbackRequest),
            HerokuJson.Default.HerokuRelease, ct, retry: false);

    /// <summary>
    /// Makes a new release running <paramref name="slugId"/>, with the app's own config: how a slug built once moves
    /// between apps. Never retried: a repeated POST would make a second release.
    /// </summary>
    public Task<HerokuRelease> CreateReleaseAsync(string app, string slugId, string? description, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/releases", PlatformJson.Content(new HerokuReleaseRequest(slugId, description), HerokuJson.Default.HerokuReleaseRequest),
            HerokuJson.Default.HerokuRelease, ct, retry: false);

    public Task<HerokuSlug> GetSlugAsync(string app, string id, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/slugs/{Seg(id)}", null, HerokuJson.Default.HerokuSlug, ct);

    public Task<HerokuLogSession> CreateLogSessionAsync(string app, HerokuLogSessionRequest request, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/log-sessions", PlatformJson.Content(request, HerokuJson.Default.HerokuLogSessionRequest),
            HerokuJson.Default.HerokuLogSession, ct);

    public async Task<IReadOnlyList<HerokuFormation>> ListFormationAsync(string app, CancellationToken ct) =>
        await CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/formation", null, HerokuJson.Default.ListHerokuFormation, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<HerokuFormation>> UpdateFormationAsync(string app, IReadOnlyList<HerokuFormationUpdate> updates, CancellationToken ct) =>
        await CallAsync(HttpMethod.Patch, $"apps/{Seg(app)}/formation", PlatformJson.Content(new HerokuFormationRequest(updates), HerokuJson.Default.HerokuFormationRequest),
            HerokuJson.Default.ListHerokuFormation, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<HerokuDyno>> ListDynosAsync(string app, CancellationToken ct) =>
        await CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/dynos", null, HerokuJson.Default.ListHerokuDyno, ct).ConfigureAwait(false);

    /// <summary>Restarts every dyno, one dyno (<c>web.1</c>) or every dyno of a process type (<c>web</c>).</summary>
    public Task RestartAsync(string app, string? dyno, string? processType, CancellationToken ct) =>
        CallAsync(HttpMethod.Delete, (dyno, processType) switch
        {
            ({ } d, _) => $"apps/{Seg(app)}/dynos/{Seg(d)}",
            (_, { } t) => $"apps/{Seg(app)}/formations/{Seg(t)}",
            _ => $"apps/{Seg(app)}/dynos",
        }, ct);

    /// <summary><c>GET /apps/{app}/config-vars</c>: every var with its value. Values stay inside the target.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> GetConfigVarsAsync(string app, CancellationToken ct) =>
        await CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/config-vars", null, HerokuJson.Default.DictionaryStringString, ct).ConfigureAwait(false);

    /// <summary>
    /// Sets the vars given a value and removes those given null, as one new release. Never retried: a repeated PATCH
    /// would make a second release.
    /// </summary>
    public async Task UpdateConfigVarsAsync(string app, Dictionary<string, string?> changes, CancellationToken ct) =>
        await CallAsync(HttpMethod.Patch, $"apps/{Seg(app)}/config-vars", PlatformJson.Content(changes, HerokuJson.Default.DictionaryStringString),
            HerokuJson.Default.DictionaryStringString, ct, retry: false).ConfigureAwait(false);

    /// <summary>Starts a one-off dyno. Never retried: a repeated POST would run the command twice.</summary>
    public Task<HerokuDyno> CreateDynoAsync(string app, HerokuDynoRequest request, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/dynos", PlatformJson.Content(request, HerokuJson.Default.HerokuDynoRequest), HerokuJson.Default.HerokuDyno, ct, retry: false);

    public Task<HerokuDyno> GetDynoAsync(string app, string dyno, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/dynos/{Seg(dyno)}", null, HerokuJson.Default.HerokuDyno, ct);

    /// <summary><c>POST /apps/{app}/dynos/{dyno}/actions/stop</c>: the dyno gets SIGTERM, then SIGKILL.</summary>
    public Task StopDynoAsync(string app, string dyno, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/dynos/{Seg(dyno)}/actions/stop", ct);

    public async Task<IReadOnlyList<HerokuWebhook>> ListWebhooksAsync(string app, CancellationToken ct) =>
        await CallAsync(HttpMethod.Get, $"apps/{Seg(app)}/webhooks", null, HerokuJson.Default.ListHerokuWebhook, ct).ConfigureAwait(false);

    public Task<HerokuWebhook> CreateWebhookAsync(string app, HerokuWebhookRequest request, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, $"apps/{Seg(app)}/webhooks", PlatformJson.Content(request, HerokuJson.Default.HerokuWebhookRequest), HerokuJson.Default.HerokuWebhook, ct);

    public Task<HerokuWebhook> UpdateWebhookAsync(string app, string id, HerokuWebhookRequest request, CancellationToken ct) =>
        CallAsync(HttpMethod.Patch, $"apps/{Seg(app)}/webhooks/{Seg(id)}", PlatformJson.Content(request, HerokuJson.Default.HerokuWebhookRequest), HerokuJson.Default.HerokuWebhook, ct);

    private static string Seg(string value) => Uri.EscapeDataString(value);
}
