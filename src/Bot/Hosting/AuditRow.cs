using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.Deployments;

namespace Bot.Hosting;

/// <summary>One audit entry as the export writes it.</summary>
public sealed record AuditRow(
    string At, string? Person, string Identity, string Platform, string Conversation, string UserName,
    string? App, string? Env, string Command, string Outcome, string Result)
{
    public static AuditRow Of(AuditEntry e) => new(
        e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), e.Person, e.Identity, e.Platform,
        e.Conversation, e.UserName, e.App, e.Env, e.Command, e.Outcome ?? (e.Result.StartsWith("ok:", StringComparison.Ordinal) ? AuditOutcome.Ok : AuditOutcome.Refused), e.Result);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<AuditRow>))]
internal sealed partial class AuditJson : JsonSerializerContext
{
    /// <summary>Backticks and quotes as they are: the export goes to a file or a terminal, never into HTML.</summary>
    public static AuditJson Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
