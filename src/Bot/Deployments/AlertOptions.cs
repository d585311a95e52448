using Bot.Configuration;
using Bot.Text;

namespace Bot.Deployments;

/// <summary><c>ALERTS_SECRET</c> signs <c>/alerts/generic</c> requests; <c>Alerts:Window</c> (default 10m) is how long repeats count as one alert.</summary>
public sealed record AlertOptions(string? Secret, TimeSpan Window)
{
    public static AlertOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var window = TimeSpan.FromMinutes(10);
        if (configuration["Alerts:Window"] is { Length: > 0 } w)
            window = Durations.Parse(w) ?? throw new ConfigException("Alerts:Window", $"'{w}' is not a duration; write it as 10m or 1h");
        return new AlertOptions(configuration["ALERTS_SECRET"] is { Length: > 0 } s ? s : null, window);
    }
}
