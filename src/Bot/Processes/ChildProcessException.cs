namespace Bot.Processes;

public sealed class ChildProcessException(ProcessSpec spec, int exitCode, string stderr)
    : Exception($"{Path.GetFileName(spec.FileName)} {string.Join(' ', spec.Arguments.Take(3))} exited with {exitCode}: {stderr}")
{
    public int ExitCode { get; } = exitCode;
    public string Stderr { get; } = stderr;
}
