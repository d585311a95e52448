namespace Bot.Security;

/// <summary>What checking a page link's token found; anything but <see cref="Valid"/> is a 403.</summary>
public enum LinkCheck { Valid, Malformed, WrongSignature, Expired }
