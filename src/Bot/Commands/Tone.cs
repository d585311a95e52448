namespace Bot.Commands;

public enum Tone { Info, Success, Warning, Error }
