namespace Bot.Alerts;

/// <summary>What checking a Pub/Sub push's OIDC token found; each maps to a 401 reason.</summary>
public enum OidcCheck { Valid, Missing, Invalid, Expired, WrongAudience, WrongAccount }
