namespace AlSafe.Tests.Packaging;

/// <summary>How a command run by <see cref="HostCommand"/> ended: its exit code and everything it printed.</summary>
internal sealed record HostCommandResult(string Command, int ExitCode, string Output, string Error)
{
    /// <summary>The command line, exit code and output, for assertion messages.</summary>
    public override string ToString() => $"{Command}: exit {ExitCode}\n{Output}{Error}";
}
