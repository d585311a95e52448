using System.Text;
using Microsoft.AspNetCore.Http;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// The fake's URLs outside the API: the storage a source is PUT to, build and release output streams (which end when the
/// build or release phase does, and resume from a <c>Range</c>), and log sessions.
/// </summary>
public sealed partial class FakeHerokuApi
{
    /// <summary>Source tarballs uploaded, by source id.</summary>
    public Dictionary<string, byte[]> Uploads { get; } = [];

    private async Task ServeOutsideAsync(HttpContext context, string path, byte[] body)
    {
        var s = path.Trim('/').Split('/');
        switch (context.Request.Method, s)
        {
            case ("PUT", ["_blobs", var id]):
                if (context.Request.ContentLength is null) Violation($"PUT {path}: storage needs a Content-Length");
                if (body is not [0x1f, 0x8b, ..]) Violation($"PUT {path}: the source is not a gzipped tarball");
                lock (_gate) Uploads[id] = body;
                context.Response.StatusCode = 200;
                return;
            case ("GET", ["_streams", "build", var id]):
                await BuildStreamAsync(context, id);
                return;
            case ("GET", ["_streams", "release", var id]):
                await ReleaseStreamAsync(context, id);
                return;
            case ("GET", ["_logs", var app, var dyno]):
                await RunLogAsync(context, app, dyno);
                return;
            case ("GET", ["_logs", _]):
                await WriteTextAsync(context, string.Concat(LogLines.Select(l => l + "\n")), 0);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task BuildStreamAsync(HttpContext context, string id)
    {
        FakeHerokuApp app;
        FakeBuild build;
        lock (_gate)
        {
            app = _apps.Values.First(a => a.Builds.Any(b => b.Id == id));
            build = app.Builds.Single(b => b.Id == id);
        }
        var text = string.Concat(build.Script.Output.Select(l => l + "\n"));
        var offset = Offset(context);
        await WriteTextAsync(context, text, offset);
        if (build.Script.Hold) await build.Gate.Task.WaitAsync(context.RequestAborted);
        lock (_gate) Finish(app, build);
    }

    /// <summary>The build ends as scripted, making a release (pending while its release phase runs).</summary>
    private void Finish(FakeHerokuApp app, FakeBuild build)
    {
        if (build.Status != "pending") return;
        if (!build.Script.Succeeds)
        {
            build.Status = "failed";
            return;
        }
        var phase = build.Script.ReleasePhase;
        var version = build.SourceBlob["version"]?.GetValue<string>() ?? "";
        var release = NewRelease(app, $"Deploy {version[..Math.Min(8, version.Length)]}", phase is null ? "succeeded" : "pending");
        release.Slug = NewSlug(version.Length > 0 ? version : null);
        if (phase is null) MakeCurrent(app, release);
        else
        {
            release.OutputStream = new Uri(Url, $"_streams/release/{release.Id}").ToString();
            (release.PhaseLines, release.PhaseSucceeds) = (phase, build.Script.ReleaseSucceeds);
        }
        (build.Status, build.ReleaseId) = ("succeeded", release.Id);
    }

    private async Task ReleaseStreamAsync(HttpContext context, string id)
    {
        FakeHerokuApp app;
        FakeRelease release;
        lock (_gate)
        {
            app = _apps.Values.First(a => a.Releases.Any(r => r.Id == id));
            release = app.Releases.Single(r => r.Id == id);
        }
        await WriteTextAsync(context, string.Concat((release.PhaseLines ?? []).Select(l => l + "\n")), Offset(context));
        lock (_gate)
        {
            if (release.Status != "pending") return;
            release.Status = release.PhaseSucceeds ? "succeeded" : "failed";
            if (release.PhaseSucceeds) MakeCurrent(app, release);
        }
    }

    private static long Offset(HttpContext context) =>
        context.Request.Headers.Range.ToString() is { Length: > 6 } range && range.StartsWith("bytes=", StringComparison.Ordinal)
            ? long.Parse(range[6..].TrimEnd('-'))
            : 0;

    /// <summary>Writes text/plain from <paramref name="offset"/> (206 when resuming), one flushed line at a time like a live stream.</summary>
    private static async Task WriteTextAsync(HttpContext context, string text, long offset)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = offset > 0 ? 206 : 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var rest = bytes.AsMemory((int)Math.Min(offset, bytes.Length));
        while (rest.Length > 0)
        {
            var line = rest.Span.IndexOf((byte)'\n') is var nl and >= 0 ? nl + 1 : rest.Length;
            await context.Response.Body.WriteAsync(rest[..line]);
            await context.Response.Body.FlushAsync();
            rest = rest[line..];
        }
    }
}
