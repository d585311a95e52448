namespace Bot.Sources.GitHub;

public enum CheckState { Passed, Pending, Failed }
