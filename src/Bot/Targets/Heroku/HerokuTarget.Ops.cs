using System.Globalization;
using Bot.Text;
using Bot.Configuration;

namespace Bot.Targets.Heroku;

/// <summary>The verbs besides deploy: history, scale, restart, maintenance and status, each one or two Platform API calls.</summary>
public sealed partial class HerokuTarget
{
    public async Task<IReadOnlyList<TargetRelease>> ListReleasesAsync(AppEnvConfig app, int count, CancellationToken cancellationToken)
    {
        var releases = await Guard(app, api.ListReleasesAsync(HerokuSettings.Read(app).App, count, cancellationToken)).ConfigureAwait(false);
        return releases.Select(r => new TargetRelease(r.Name, r.Description ?? "", r.User?.Email, r.CreatedAt, r.Current, r.Status)).ToList();
    }

    public async Task<string> ScaleAsync(AppEnvConfig app, IReadOnlyDictionary<string, int> quantities, string? size, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(app).App;
        if (quantities.ContainsKey(""))
            throw new DeployFailedException($"A Heroku app has process types; say which one to scale.", $"Type `scale {app.App} web={quantities[""]}`.");
        var updates = quantities.Select(q => new HerokuFormationUpdate(q.Key.ToLowerInvariant(), q.Value, size is null ? null : new HerokuDynoSize(size))).ToList();
        var formation = await Guard(app, api.UpdateFormationAsync(heroku, updates, cancellationToken)).ConfigureAwait(false);
        var changed = formation.Where(f => updates.Any(u => u.Type.Equals(f.Type, StringComparison.OrdinalIgnoreCase)));
        return $"Scaled {heroku}: {string.Join(", ", changed.Select(Describe))}.";
    }

    public async Task<string> RestartAsync(AppEnvConfig app, string? process, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(app).App;
        var (dyno, type) = process switch
        {
            null => ((string?)null, (string?)null),
            _ when process.Contains('.') => (process, null),
            _ => (null, process),
        };
        await Guard(app, api.RestartAsync(heroku, dyno, type, cancellationToken)).ConfigureAwait(false);
        return process is null
            ? $"Restarting every dyno of {heroku}. Type `status {app.App}` in a minute to see them come up."
            : $"Restarting {process} of {heroku}. Type `status {app.App}` in a minute to see it come up.";
    }

    public async Task<string> SetMaintenanceAsync(AppEnvConfig app, bool on, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(app).App;
        var updated = await Guard(app, api.SetMaintenanceAsync(heroku, on, cancellationToken)).ConfigureAwait(false);
        return updated.Maintenance
            ? $"🚧 {heroku} is in maintenance mode: visitors get Heroku's maintenance page. Type `maintenance {app.App} off` to end it."
            : $"{heroku} is out of maintenance mode and serving visitors again.";
    }

    /// <summary>Lines for <c>status</c>: the formation, the dynos that are not up, and maintenance mode.</summary>
    public async Task<IReadOnlyList<string>> DescribeAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(app).App;
        try
        {
            var formation = await api.ListFormationAsync(heroku, cancellationToken).ConfigureAwait(false);
            var lines = new List<string> { $"Heroku {heroku}: " + (formation.Count > 0 ? string.Join(", ", formation.Select(Describe)) : "no process types yet") };
            var all = await api.ListDynosAsync(heroku, cancellationToken).ConfigureAwait(false);
            if (all.Count > 0)
            {
                var now = time.GetUtcNow();
                lines.Add("Dynos: " + string.Join(", ", all.OrderBy(d => d.Name, StringComparer.Ordinal).Take(12).Select(d =>
                    $"{d.Name} {Mark(d.State)}{d.State}" + (d.Release is { } r ? $" v{r.Version}" : "") + (d.UpdatedAt is { } at ? $" {Format.Ago(at, now)}" : ""))) +
                    (all.Count > 12 ? $" and {all.Count - 12} more" : ""));
            }
            if ((await api.GetAppAsync(heroku, cancellationToken).ConfigureAwait(false)).Maintenance) lines.Add($"🚧 Maintenance mode is on. Type `maintenance {app.App} off` to end it.");
            return lines;
        }
        catch (HerokuApiException e)
        {
            var why = Explain(e, app);
            return [$"Heroku {heroku}: could not ask for its state. {why.Message} {why.Hint}"];
        }
    }

    private static string Mark(string state) => state switch { "crashed" => "💥 ", "down" => "⬇ ", _ => "" };

    private static string Describe(HerokuFormation f) =>
        $"{f.Type}={f.Quantity.ToString(CultureInfo.InvariantCulture)}" + (f.SizeName is { } size ? $" ({size})" : "");

    /// <summary>A call made for a chat verb: Heroku's refusal becomes the answer's text.</summary>
    private static async Task<T> Guard<T>(AppEnvConfig app, Task<T> call)
    {
        try { return await call.ConfigureAwait(false); }
        catch (HerokuApiException e) { throw Explain(e, app); }
    }

    private static async Task Guard(AppEnvConfig app, Task call)
    {
        try { await call.ConfigureAwait(false); }
        catch (HerokuApiException e) { throw Explain(e, app); }
    }
}
