using System.Globalization;
using System.Text;

namespace Bot.Targets.Lambda;

/// <summary>
/// What an invoke returned: the status, <c>X-Amz-Function-Error</c> (<c>Unhandled</c>/<c>Handled</c>), the payload, and
/// the base64 <c>X-Amz-Log-Result</c> (the last 4 KB of the invocation's log) when the call asked for it, and the version
/// that ran (<c>X-Amz-Executed-Version</c>).
/// </summary>
public sealed record InvokeResult(int Status, string? FunctionError, byte[] Payload, string? LogResult = null, string? ExecutedVersion = null)
{
    public string PayloadText(int max = 300)
    {
        var text = Encoding.UTF8.GetString(Payload).Trim();
        return text.Length <= max ? text : text[..max] + "…";
    }

    /// <summary>The log tail's lines; none when it was not asked for or is not base64.</summary>
    public IReadOnlyList<string> LogLines()
    {
        if (string.IsNullOrEmpty(LogResult)) return [];
        var bytes = new byte[LogResult.Length];
        if (!Convert.TryFromBase64String(LogResult, bytes, out var length)) return [];
        return Encoding.UTF8.GetString(bytes, 0, length).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Status} {FunctionError}");
}
