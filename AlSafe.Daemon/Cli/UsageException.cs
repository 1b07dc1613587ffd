namespace AlSafe.Daemon.Cli;

/// <summary>The command line itself is wrong (exit code 2), as opposed to the input it names (exit code 1).</summary>
public sealed class UsageException(string message) : Exception(message);
