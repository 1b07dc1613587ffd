namespace AlSafe.TestSupport.Net;

/// <summary>How one bounded command ended: its exit code and everything it printed.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}
