namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Every flow one owner (a VM, or the bridge-wide base) should have on the switch, all under the owner's cookie, in a
/// canonical order (table, priority descending, match text, action text) and without duplicates, so that the same
/// grants always give the same plan and the same text.
/// </summary>
public sealed record FlowPlan
{
    public FlowPlan(ulong cookie, IEnumerable<Flow> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        Cookie = cookie;
        var distinct = flows.Distinct().ToList();
        if (distinct.Find(flow => flow.Cookie != cookie) is { } foreign)
        {
            throw new ArgumentException($"flow {foreign} does not carry the plan's cookie 0x{cookie:x}", nameof(flows));
        }

        // Two flows with one key would overwrite each other on the switch: which one survives would depend on order.
        if (distinct.GroupBy(flow => flow.Key).FirstOrDefault(group => group.Count() > 1) is { } clash)
        {
            throw new ArgumentException($"flows with one table, priority and match but different actions: {string.Join(" / ", clash)}", nameof(flows));
        }

        Flows = [.. distinct
            .Select(flow => (Flow: flow, Match: OfctlFormatter.Match(flow.Match), Actions: OfctlFormatter.Actions(flow.Actions)))
            .OrderBy(entry => entry.Flow.Table)
            .ThenByDescending(entry => entry.Flow.Priority)
            .ThenBy(entry => entry.Match, StringComparer.Ordinal)
            .ThenBy(entry => entry.Actions, StringComparer.Ordinal)
            .Select(entry => entry.Flow)];
    }

    public ulong Cookie { get; }

    public IReadOnlyList<Flow> Flows { get; }

    public bool Equals(FlowPlan? other) => other is not null && Cookie == other.Cookie && Flows.SequenceEqual(other.Flows);

    public override int GetHashCode() => HashCode.Combine(Cookie, Flows.Count);
}
