using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Line;

/// <summary>
/// Limits LINE's Messaging API reference states in prose but its OpenAPI document does not carry
/// (developers.line.biz/en/reference/messaging-api/): the length of a text message and of a Flex <c>altText</c>, the
/// bubbles of a carousel, and action labels, which depend on where the action is.
/// </summary>
public static class LineLimits
{
    public const int TextMessageLength = 5000;
    public const int FlexAltTextLength = 1500;
    public const int CarouselBubbles = 12;
    public const int QuickReplyLabelLength = 20;
    public const int FlexButtonLabelLength = 40;

    /// <summary>
    /// Characters as UTF-16 code units. LINE does not say how it counts; an emoji is one or two characters depending on
    /// the reading, and this is the stricter one, so what passes here passes there.
    /// </summary>
    public static int Length(string text) => text.Length;

    /// <summary>What is wrong with <paramref name="value"/>, found at <paramref name="at"/> as <paramref name="property"/> of a <paramref name="schema"/>.</summary>
    public static LineProblem? Problem(string schema, string property, JsonNode value, string at) => (schema, property) switch
    {
        ("TextMessage", "text") => TooLong(value, TextMessageLength, at, "a text message's text"),
        ("FlexMessage", "altText") => TooLong(value, FlexAltTextLength, at, "a Flex message's altText"),
        ("FlexCarousel", "contents") when value is JsonArray { Count: > CarouselBubbles } bubbles =>
            new(at, $"has {bubbles.Count} bubbles; a carousel takes at most {CarouselBubbles}"),
        ("QuickReplyItem", "action") when value is JsonObject action && action["label"] is { } label => TooLong(label, QuickReplyLabelLength, at + ".label", "the label of a quick reply button"),
        ("FlexButton", "action") when value is JsonObject action && action["label"] is { } label => TooLong(label, FlexButtonLabelLength, at + ".label", "the label of a Flex button"),
        _ => null,
    };

    private static LineProblem? TooLong(JsonNode value, int max, string at, string what)
    {
        if (value.GetValueKind() != JsonValueKind.String) return null; // the spec check reports the type
        var length = Length(value.GetValue<string>());
        return length > max ? new(at, $"is {length} characters long; {what} may have at most {max}") : null;
    }
}
