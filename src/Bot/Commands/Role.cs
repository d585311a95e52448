namespace Bot.Commands;

/// <summary>What a person may do with an app in one environment.</summary>
public enum Role { View, Deploy, Admin }
