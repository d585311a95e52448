using System.Text.Json.Nodes;

namespace Bot.Chat.Slack;

/// <summary>What a live message should say now, and where it goes the first time.</summary>
public sealed record LiveUpdate(
    string Key, string NoteScope, string Channel, string? Thread, string Text, JsonArray Blocks, bool Final, string? Line = null, string? FallbackUser = null);
