using AlSafe.Core.Decisions;

namespace AlSafe.Daemon.Control;

/// <summary>One socket of one guest process and what the firewall decided for it, as the operator sees it.</summary>
/// <param name="Local">The local endpoint as text ("10.0.0.5:22").</param>
/// <param name="Remote">The remote endpoint as text, or "*" for a listener.</param>
public sealed record ConnectionVerdict(
    uint Pid,
    string Process,
    string Executable,
    string Protocol,
    string Local,
    string Remote,
    VerdictKind Verdict,
    string Reason);
