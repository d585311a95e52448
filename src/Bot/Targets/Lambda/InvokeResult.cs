using System.Globalization;

namespace Bot.Targets.Lambda;

/// <summary>What an invoke returned: the status, <c>X-Amz-Function-Error</c> (<c>Unhandled</c>/<c>Handled</c>) and the payload.</summary>
public sealed record InvokeResult(int Status, string? FunctionError, byte[] Payload)
{
    public string PayloadText(int max = 300)
    {
        var text = System.Text.Encoding.UTF8.GetString(Payload).Trim();
        return text.Length <= max ? text : text[..max] + "…";
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Status} {FunctionError}");
}
