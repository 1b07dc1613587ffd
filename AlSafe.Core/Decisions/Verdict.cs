using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>The decision for one socket of one process.</summary>
/// <param name="Direction">How the socket is used, or null when it is not using the network (an unbound or closed socket).</param>
/// <param name="Entry">The whitelist line that allowed it; null for every Block.</param>
/// <param name="Reason">Why: "file:line" for an Allow, a sentence for a Block.</param>
public sealed record Verdict(
    GuestProcess Process,
    GuestSocket Socket,
    TrafficDirection? Direction,
    VerdictKind Kind,
    WhitelistEntry? Entry,
    string Reason)
{
    /// <summary>
    /// The lines whose grants an Allow opens, in file order with <see cref="Entry"/> first. A listener or bound UDP
    /// socket has no remote endpoint to pick one line by, so it lists every In line that matches it and each line's
    /// remote columns are opened; any other Allow lists just <see cref="Entry"/>; a Block lists none.
    /// </summary>
    public IReadOnlyList<WhitelistEntry> GrantingEntries { get; init; } = [];
}
