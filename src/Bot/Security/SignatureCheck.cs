namespace Bot.Security;

public enum SignatureCheck { Valid, Missing, Stale, Mismatch }
