namespace AlSafe.Core.Rules.Switch;

/// <summary>A ct_state match: the bits under <paramref name="Mask"/> must equal <paramref name="Bits"/>.</summary>
public readonly record struct ConntrackStateMatch(ConntrackStates Bits, ConntrackStates Mask)
{
    /// <summary>
    /// Tracked, with <paramref name="state"/> set and not invalid: conntrack's invalid verdict (bad sequence numbers,
    /// a reply without a request) must never pass as new, established or related.
    /// </summary>
    public static ConntrackStateMatch ValidTracked(ConntrackStates state) => new(
        ConntrackStates.Tracked | state,
        ConntrackStates.Tracked | ConntrackStates.Invalid | state);
}
