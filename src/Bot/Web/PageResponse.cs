using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Bot.Web;

/// <summary>
/// The headers every page answer carries: a strict CSP whose nonce (new for each response) allows only the page's own
/// inline style and script, no referrer (the link's token must not leave with a click on the release link), no caching,
/// no indexing, no framing.
/// </summary>
public static partial class PageResponse
{
    public static string Start(HttpContext context, int status, string contentType = "text/html; charset=utf-8")
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var r = context.Response;
        r.StatusCode = status;
        r.ContentType = contentType;
        r.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        r.Headers["Referrer-Policy"] = "no-referrer";
        r.Headers["X-Content-Type-Options"] = "nosniff";
        r.Headers["X-Robots-Tag"] = "noindex";
        r.Headers.CacheControl = "no-store";
        return nonce;
    }

    /// <summary>A plain 403 that says how to get a fresh link; it repeats nothing of the request but an escaped app and number.</summary>
    public static Task ForbiddenAsync(HttpContext context, string what, string command, CancellationToken cancellationToken)
    {
        // A made-up path is not repeated as advice: only a name an app could have.
        if (!Named().IsMatch(what) || !Command().IsMatch(command)) (what, command) = ("this page", "logs <app> #<number>");
        var nonce = Start(context, StatusCodes.Status403Forbidden);
        var sb = new StringBuilder();
        LogPageHtml.Head(sb, "Link not valid", nonce);
        sb.Append("<body><main><h1>This link is not valid any more</h1><p>The link to ");
        Ansi.Escape(sb, what);
        sb.Append(" has expired, or it is not one this bot made. Links last a few days.</p><p>For a fresh link, type <code>");
        Ansi.Escape(sb, command);
        sb.Append("</code> in the chat where the bot is.</p></main></body></html>");
        return context.Response.WriteAsync(sb.ToString(), cancellationToken);
    }

    public static Task NotFoundAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        var nonce = Start(context, StatusCodes.Status404NotFound);
        var sb = new StringBuilder();
        LogPageHtml.Head(sb, "Not found", nonce);
        sb.Append("<body><main><h1>Not found</h1><p>");
        Ansi.Escape(sb, text);
        sb.Append("</p></main></body></html>");
        return context.Response.WriteAsync(sb.ToString(), cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([\w.-]{1,60} #?\d{1,10}|the stats of [\w. -]{1,60} in [\w.-]{1,60})$")]
    private static partial System.Text.RegularExpressions.Regex Named();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(logs [\w.-]{1,60} #\d{1,10}|alerts|stats( [\w.-]{1,60})? \d{1,2}d in [\w.-]{1,60})$")]
    private static partial System.Text.RegularExpressions.Regex Command();
}
