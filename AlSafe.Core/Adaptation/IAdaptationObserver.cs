using AlSafe.Core.Decisions;
using AlSafe.Core.Ports;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// What the engine tells the outside world (the journal, the control API). Called from the engine's workers: an
/// implementation must be thread-safe, return quickly and not throw.
/// </summary>
public interface IAdaptationObserver
{
    /// <summary>Sockets whose verdict is new or changed since the VM's previous cycle, and those that are gone.</summary>
    void VerdictsChanged(string vm, string tenant, IReadOnlyList<Verdict> appeared, IReadOnlyList<Verdict> gone);

    /// <summary>Sockets discarded as implausible that were not discarded in the previous cycle.</summary>
    void SocketsDiscarded(string vm, string tenant, IReadOnlyList<DiscardedSocket> discarded);

    /// <summary>The VM's new grants went to the enforcement points; <paramref name="refusedBy"/> names those that
    /// refused or failed (empty when all took them).</summary>
    void RulesEnforced(string vm, GrantSet grants, TimeSpan elapsed, IReadOnlyList<string> refusedBy);

    /// <summary>A cycle failed; the VM keeps its rules and is retried after <paramref name="retryIn"/>.</summary>
    void CycleFailed(string vm, string? tenant, Exception error, int failures, TimeSpan retryIn);

    /// <summary>The VM's port appeared, moved or went away, or a port claim was refused.</summary>
    void PortChanged(PortEvent change);

    /// <summary>Anything else worth a line: <paramref name="vm"/> is null for node-wide notes.</summary>
    void Note(NoteLevel level, string? vm, string message);
}
