using Bot.Configuration;
using Npgsql;

namespace Bot.Deployments.Postgres;

/// <summary>
/// Reads <c>DATABASE_URL</c> in the form Heroku and most hosts hand out
/// (<c>postgres://user:password@host:5432/database?sslmode=require</c>) into an Npgsql connection string.
/// Errors name the key and never repeat the password.
/// </summary>
public static class PostgresUrl
{
    public const string Key = "DATABASE_URL";

    public static string ToConnectionString(string url)
    {
        if (!url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            throw Bad("expected postgres://user:password@host:port/database");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw Bad("is not a valid URL (expected postgres://user:password@host:port/database; percent-encode special characters)");

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            ApplicationName = "deploybot",
            // A few connections per process are plenty (a handful of jobs and short requests), and hosted plans cap connections low.
            MaxPoolSize = 10,
            MaxAutoPrepare = 32,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var (name, value) in Query(uri.Query))
            Apply(builder, name, value);
        if (string.IsNullOrEmpty(builder.Host)) throw Bad("names no host");
        if (string.IsNullOrEmpty(builder.Database)) throw Bad("names no database (postgres://…/database)");
        return builder.ConnectionString;
    }

    /// <summary>Where the URL points, without user or password: for messages.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    private static void Apply(NpgsqlConnectionStringBuilder builder, string name, string value)
    {
        switch (name)
        {
            case "sslmode":
                builder.SslMode = value switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw Bad($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                };
                break;
            case "sslrootcert": builder.RootCertificate = value; break;
            case "channel_binding":
                builder.ChannelBinding = value switch
                {
                    "disable" => ChannelBinding.Disable,
                    "prefer" => ChannelBinding.Prefer,
                    "require" => ChannelBinding.Require,
                    _ => throw Bad($"channel_binding '{value}' is not one of disable, prefer, require"),
                };
                break;
            case "connect_timeout":
                builder.Timeout = int.TryParse(value, out var seconds) && seconds >= 0 ? seconds : throw Bad($"connect_timeout '{value}' is not a number of seconds");
                break;
            case "application_name": builder.ApplicationName = value; break;
            case "options": builder.Options = value; break;
            case "host": builder.Host = value; break;
            case "pool_max":
                builder.MaxPoolSize = int.TryParse(value, out var max) && max > 0 ? max : throw Bad($"pool_max '{value}' is not a positive number");
                break;
            default:
                throw Bad($"has a parameter '{name}' that is not understood (known: sslmode, sslrootcert, channel_binding, connect_timeout, application_name, options, host, pool_max)");
        }
    }

    private static IEnumerable<(string Name, string Value)> Query(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            yield return (name, eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')));
        }
    }

    private static ConfigException Bad(string what) => new(Key, what);
}
