using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// A set as the edge reports it: its key type (one name per concatenated field) and flags, and its elements read back
/// as <see cref="EdgeElement"/>s (the four element sets) or as prefixes (the protected-prefix sets). An element that
/// does not read as either (a range that is no prefix, an unknown protocol, a field of the wrong family) is kept, as
/// its JSON text, in <see cref="Unreadable"/>: it is drift like any other.
/// </summary>
public sealed record EdgeSetState(
    string Name,
    IReadOnlyList<string> Type,
    IReadOnlyList<string> Flags,
    IReadOnlyList<EdgeElement> Elements,
    IReadOnlyList<AddressPrefix> Prefixes,
    IReadOnlyList<string> Unreadable)
{
    public int Count => Elements.Count + Prefixes.Count + Unreadable.Count;
}
