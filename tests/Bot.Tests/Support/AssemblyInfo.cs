// The bot runs on Linux (process groups through setsid, /proc); so do its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
