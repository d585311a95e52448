using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bot.Targets.Lambda;

/// <summary>
/// What Lambda accepts as a function's environment: names matching its model's pattern (a letter, then letters, digits
/// or <c>_</c>), none of the names its runtimes reserve, and at most 4 KB in all.
/// </summary>
public static partial class LambdaVariables
{
    /// <summary>Lambda's limit on a function's environment variables together.</summary>
    public const int MaxBytes = 4096;

    /// <summary>
    /// The names Lambda's docs list as reserved: the runtime sets them and <c>UpdateFunctionConfiguration</c> refuses them.
    /// <c>TZ</c> is on that list too but Lambda accepts it (setting a function's time zone is common), so it is not refused here.
    /// </summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    };

    /// <summary>
    /// The size Lambda holds against <see cref="MaxBytes"/>: the variables as one JSON object, in UTF-8 bytes (its own
    /// refusal quotes the JSON it measured), so names and values plus their quotes, colons and commas.
    /// </summary>
    public static int Size(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var (name, value) in variables) json.WriteString(name, value);
            json.WriteEndObject();
        }
        return buffer.WrittenCount;
    }

    /// <summary>Null when Lambda takes <paramref name="name"/> as a variable name, else why not.</summary>
    public static string? CheckName(string name) =>
        Reserved.Contains(name) ? $"{name} is reserved by Lambda: its runtime sets it, and Lambda refuses a function that sets it."
        : !Name().IsMatch(name) ? $"Lambda takes no variable named {name}: a name starts with a letter and has at least two characters (letters, digits, _)."
        : null;

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
