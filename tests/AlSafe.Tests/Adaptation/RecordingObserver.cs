using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Ports;

namespace AlSafe.Tests.Adaptation;

/// <summary>Keeps everything the engine tells the outside world; readers get copies.</summary>
internal sealed class RecordingObserver : IAdaptationObserver
{
    private readonly Lock _lock = new();
    private readonly List<(string Vm, IReadOnlyList<Verdict> Appeared, IReadOnlyList<Verdict> Gone)> _verdicts = [];
    private readonly List<(string Vm, GrantSet Grants, IReadOnlyList<string> RefusedBy)> _enforced = [];
    private readonly List<(string Vm, string? Tenant, Exception Error, int Failures, TimeSpan RetryIn)> _failures = [];
    private readonly List<PortEvent> _ports = [];
    private readonly List<(NoteLevel Level, string? Vm, string Message)> _notes = [];

    public IReadOnlyList<(string Vm, IReadOnlyList<Verdict> Appeared, IReadOnlyList<Verdict> Gone)> Verdicts => Copy(_verdicts);

    public IReadOnlyList<(string Vm, GrantSet Grants, IReadOnlyList<string> RefusedBy)> Enforced => Copy(_enforced);

    public IReadOnlyList<PortEvent> Ports => Copy(_ports);

    public IReadOnlyList<(NoteLevel Level, string? Vm, string Message)> Notes => Copy(_notes);

    public IReadOnlyList<(string Vm, string? Tenant, Exception Error, int Failures, TimeSpan RetryIn)> FailuresOf(string vm)
    {
        lock (_lock)
        {
            return [.. _failures.Where(f => f.Vm == vm)];
        }
    }

    public void VerdictsChanged(string vm, string tenant, IReadOnlyList<Verdict> appeared, IReadOnlyList<Verdict> gone) =>
        Add(_verdicts, (vm, appeared, gone));

    public void SocketsDiscarded(string vm, string tenant, IReadOnlyList<DiscardedSocket> discarded)
    {
        // VerdictDeltaTests cover which sockets count as newly discarded; no engine test needs them.
    }

    public void RulesEnforced(string vm, GrantSet grants, TimeSpan elapsed, IReadOnlyList<string> refusedBy) =>
        Add(_enforced, (vm, grants, refusedBy));

    public void CycleFailed(string vm, string? tenant, Exception error, int failures, TimeSpan retryIn) =>
        Add(_failures, (vm, tenant, error, failures, retryIn));

    public void PortChanged(PortEvent change) => Add(_ports, change);

    public void Note(NoteLevel level, string? vm, string message) => Add(_notes, (level, vm, message));

    private void Add<T>(List<T> list, T item)
    {
        lock (_lock)
        {
            list.Add(item);
        }
    }

    private List<T> Copy<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
