namespace Bot.Deployments;

public enum AlertSeverity { Info, Warning, Critical }
