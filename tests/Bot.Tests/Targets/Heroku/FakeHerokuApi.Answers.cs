using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Bot.Tests.Targets.Heroku;

/// <summary>What the fake answers once a request has passed the checks: a small model of apps, builds and releases.</summary>
public sealed partial class FakeHerokuApi
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private Task AnswerAsync(HttpContext context, string method, string path, JsonNode? body)
    {
        var s = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (s is ["sources"])
        {
            var id = Guid.NewGuid().ToString();
            var blob = new Uri(Url, $"_blobs/{id}").ToString();
            return WriteJsonAsync(context, 201, new JsonObject { ["source_blob"] = new JsonObject { ["get_url"] = blob, ["put_url"] = blob } });
        }
        FakeHerokuApp? app;
        lock (_gate) app = s.Length > 1 ? _apps.GetValueOrDefault(s[1]) : null;
        if (app is null) return ErrorAsync(context, 404, "not_found", "Couldn't find that app.");
        lock (_gate)
        {
            var (status, answer) = (method, s[2..]) switch
            {
                ("GET", []) => (200, AppJson(app)),
                ("PATCH", []) => Maintenance(app, body!),
                ("POST", ["builds"]) => StartBuild(app, body!),
                ("GET", ["builds", var id]) => app.Builds.Find(b => b.Id == id) is { } b ? (200, BuildJson(b)) : NotFound("build"),
                ("DELETE", ["builds", var id]) => CancelBuild(app, id),
                ("GET", ["releases"]) => ListReleases(app, context.Request.Headers["Range"].ToString(), context),
                ("GET", ["releases", var key]) => FindRelease(app, key) is { } r ? (200, ReleaseJson(r)) : NotFound("release"),
                ("POST", ["releases"]) when body!["slug"] is { } slug => ReleaseSlug(app, slug.GetValue<string>(), body["description"]?.GetValue<string>()),
                ("POST", ["releases"]) => Rollback(app, body!["release"]!.GetValue<string>()),
                ("GET", ["slugs", var id]) => Slugs.TryGetValue(id, out var commit) ? (200, SlugJson(id, commit)) : NotFound("slug"),
                ("POST", ["log-sessions"]) => LogSession(app, body),
                ("GET", ["config-vars"]) => (200, ConfigJson(app.ConfigVars)),
                ("PATCH", ["config-vars"]) => PatchConfig(app, (JsonObject)body!),
                ("POST", ["dynos"]) => StartRun(app, (JsonObject)body!),
                ("GET", ["dynos", var name]) => DynoInfo(app, name),
                ("POST", ["dynos", var name, "actions", "stop"]) => StopRun(app, name),
                ("GET", ["formation"]) => (200, Formation(app)),
                ("PATCH", ["formation"]) => Scale(app, (JsonArray)body!["updates"]!),
                ("GET", ["dynos"]) => (200, new JsonArray([.. app.Dynos.Select(d => (JsonNode)DynoJson(d))])),
                ("DELETE", ["dynos"] or ["dynos", _] or ["formations", _]) => (202, new JsonObject()),
                ("GET", ["webhooks"]) => (200, new JsonArray([.. app.Webhooks.Select(w => w.DeepClone())])),
                ("POST", ["webhooks"]) => SaveWebhook(app, null, (JsonObject)body!),
                ("PATCH", ["webhooks", var id]) => SaveWebhook(app, id, (JsonObject)body!),
                _ => (501, new JsonObject { ["id"] = "not_implemented", ["message"] = $"the fake does not do {method} {path}" }),
            };
            return WriteJsonAsync(context, status, answer);
        }
    }

    private static (int, JsonNode) NotFound(string what) => (404, new JsonObject { ["id"] = "not_found", ["message"] = $"Couldn't find that {what}." });

    private static (int, JsonNode) Maintenance(FakeHerokuApp app, JsonNode body)
    {
        if (body["maintenance"] is { } on) app.Maintenance = on.GetValue<bool>();
        return (200, AppJson(app));
    }

    private (int, JsonNode) StartBuild(FakeHerokuApp app, JsonNode body)
    {
        var build = new FakeBuild(Guid.NewGuid().ToString(), NextBuild, (JsonObject)body["source_blob"]!.DeepClone());
        app.Builds.Add(build);
        return (201, BuildJson(build));
    }

    private (int, JsonNode) CancelBuild(FakeHerokuApp app, string id)
    {
        if (app.Builds.Find(b => b.Id == id) is not { } build) return NotFound("build");
        if (build.Status == "pending") (build.Status, build.Cancelled) = ("failed", true);
        build.Gate.TrySetResult();
        return (200, BuildJson(build));
    }

    private static FakeRelease? FindRelease(FakeHerokuApp app, string key) =>
        app.Releases.Find(r => r.Id == key || r.Version.ToString() == key);

    private static (int, JsonNode) ListReleases(FakeHerokuApp app, string range, HttpContext context)
    {
        var m = RangeHeader().Match(range);
        var newestFirst = m.Success && m.Groups["order"].Value == "desc";
        var max = m.Success && m.Groups["max"].Success ? int.Parse(m.Groups["max"].Value) : 200;
        var ordered = newestFirst ? app.Releases.OrderByDescending(r => r.Version) : app.Releases.OrderBy(r => r.Version);
        if (app.Releases.Count > max) context.Response.Headers["Next-Range"] = "version ]0..; max=" + max;
        return (app.Releases.Count > max ? 206 : 200, new JsonArray([.. ordered.Take(max).Select(r => (JsonNode)ReleaseJson(r))]));
    }

    [GeneratedRegex(@"^version \.\.;\s*(?:order=(?<order>asc|desc)(?:,\s*max=(?<max>\d+))?|max=(?<max>\d+)(?:,\s*order=(?<order>asc|desc))?)$")]
    private static partial Regex RangeHeader();

    private static (int, JsonNode) Rollback(FakeHerokuApp app, string id)
    {
        if (app.Releases.Find(r => r.Id == id) is not { } to) return NotFound("release");
        // As on Heroku, the copy runs the old release's slug with the old release's config.
        app.ConfigVars = new Dictionary<string, string>(to.Config, StringComparer.Ordinal);
        var release = NewRelease(app, $"Rollback to v{to.Version}", "succeeded");
        release.Slug = to.Slug;
        MakeCurrent(app, release);
        return (201, ReleaseJson(release));
    }

    /// <summary>Release create: the slug runs here with this app's config, through the release phase when one is set.</summary>
    private (int, JsonNode) ReleaseSlug(FakeHerokuApp app, string slug, string? description)
    {
        if (!Slugs.ContainsKey(slug)) return NotFound("slug");
        var phase = NextSlugReleasePhase;
        var release = NewRelease(app, description ?? "Set slug", phase is null ? "succeeded" : "pending");
        release.Slug = slug;
        if (phase is null) MakeCurrent(app, release);
        else (release.OutputStream, release.PhaseLines, release.PhaseSucceeds) = (new Uri(Url, $"_streams/release/{release.Id}").ToString(), phase, NextSlugReleaseSucceeds);
        return (201, ReleaseJson(release));
    }

    private static JsonObject SlugJson(string id, string? commit) => new()
    {
        ["id"] = id, ["commit"] = commit, ["commit_description"] = commit is null ? null : "Add the app", ["created_at"] = Epoch.ToString("O"),
        ["process_types"] = new JsonObject { ["web"] = "npm start" }, ["stack"] = new JsonObject { ["name"] = "heroku-24" },
    };

    private static FakeRelease NewRelease(FakeHerokuApp app, string description, string status)
    {
        var release = new FakeRelease(Guid.NewGuid().ToString(), app.Releases.Max(r => r.Version) + 1, description, status, false, null)
        {
            Config = new Dictionary<string, string>(app.ConfigVars, StringComparer.Ordinal),
        };
        app.Releases.Add(release);
        return release;
    }

    private static void MakeCurrent(FakeHerokuApp app, FakeRelease release)
    {
        foreach (var r in app.Releases) r.Current = r == release;
    }

    private static (int, JsonNode) Scale(FakeHerokuApp app, JsonArray updates)
    {
        foreach (var u in updates)
        {
            var type = u!["type"]!.GetValue<string>();
            var i = app.Formation.FindIndex(f => f.Type == type);
            if (i < 0) return NotFound("formation");
            var f = app.Formation[i];
            app.Formation[i] = f with { Quantity = u["quantity"]?.GetValue<int>() ?? f.Quantity, Size = u["dyno_size"]?["name"]?.GetValue<string>() ?? f.Size };
        }
        return (200, Formation(app));
    }

    private static (int, JsonNode) SaveWebhook(FakeHerokuApp app, string? id, JsonObject body)
    {
        var hook = id is null ? null : app.Webhooks.Find(w => w["id"]!.GetValue<string>() == id);
        if (id is not null && hook is null) return NotFound("webhook");
        if (hook is null)
        {
            hook = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["app"] = new JsonObject { ["name"] = app.Name }, ["created_at"] = Epoch.ToString("O") };
            app.Webhooks.Add(hook);
        }
        foreach (var key in new[] { "url", "include", "level" })
            if (body[key] is { } value) hook[key] = value.DeepClone();
        hook["secret_seen"] = body["secret"]?.GetValue<string>();
        return (id is null ? 201 : 200, hook.DeepClone());
    }

    private static JsonArray Formation(FakeHerokuApp app) => new([.. app.Formation.Select(f => (JsonNode)new JsonObject
    {
        ["id"] = Guid.NewGuid().ToString(), ["type"] = f.Type, ["quantity"] = f.Quantity, ["size"] = f.Size, ["command"] = "npm start",
        ["dyno_size"] = new JsonObject { ["name"] = f.Size }, ["app"] = new JsonObject { ["name"] = app.Name },
    })]);

    private static JsonObject AppJson(FakeHerokuApp app) => new()
    {
        ["id"] = Guid.NewGuid().ToString(), ["name"] = app.Name, ["maintenance"] = app.Maintenance, ["web_url"] = app.WebUrl,
    };

    private JsonObject BuildJson(FakeBuild b) => new()
    {
        ["id"] = b.Id, ["status"] = b.Status, ["output_stream_url"] = new Uri(Url, $"_streams/build/{b.Id}").ToString(), ["source_blob"] = b.SourceBlob.DeepClone(),
        ["release"] = b.ReleaseId is null ? null : new JsonObject { ["id"] = b.ReleaseId }, ["created_at"] = Epoch.ToString("O"),
    };

    private static JsonObject ReleaseJson(FakeRelease r) => new()
    {
        ["id"] = r.Id, ["version"] = r.Version, ["status"] = r.Status, ["description"] = r.Description, ["current"] = r.Current,
        ["output_stream_url"] = r.OutputStream, ["eligible_for_rollback"] = true, ["slug"] = r.Slug is null ? null : new JsonObject { ["id"] = r.Slug },
        ["user"] = new JsonObject { ["email"] = "dev@example.com" }, ["created_at"] = Epoch.AddMinutes(r.Version).ToString("O"),
    };

    private static JsonObject DynoJson(FakeDyno d) => new()
    {
        ["name"] = d.Name, ["type"] = d.Type, ["state"] = d.State, ["release"] = new JsonObject { ["version"] = d.Version },
        ["updated_at"] = Epoch.ToString("O"),
    };
}
