namespace AlSafe.Core.Decisions;

/// <summary>Every verdict for one VM's connection list, in process then fd order, and the sockets discarded as implausible.</summary>
public sealed record VerdictReport(string Vm, IReadOnlyList<Verdict> Verdicts, IReadOnlyList<DiscardedSocket> Discarded);
