namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Every flow one owner (a VM, or the bridge-wide base) should have on the switch, all under the owner's cookie, in
/// the canonical order of <see cref="FlowOrder"/> (table, priority descending, then match and actions field by field)
/// and without duplicates, so that the same grants always give the same plan and the same text.
/// </summary>
public sealed record FlowPlan
{
    public FlowPlan(ulong cookie, IEnumerable<Flow> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        Cookie = cookie;
        var sorted = new List<Flow>(flows);
        foreach (var flow in sorted)
        {
            if (flow.Cookie != cookie)
            {
                throw new ArgumentException($"flow {flow} does not carry the plan's cookie 0x{cookie:x}", nameof(flows));
            }

            FlowOrder.CheckActions(flow);
        }

        sorted.Sort(FlowOrder.Instance);

        // The order puts equal flows, and flows of one key, side by side: one pass drops the duplicates and finds
        // the clashes without hashing every flow.
        var kept = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            var flow = sorted[i];
            if (kept > 0 && FlowOrder.CompareKeys(sorted[kept - 1], flow) == 0)
            {
                // Two flows with one key would overwrite each other on the switch: which one survives would depend
                // on order.
                if (FlowOrder.CompareBeyondKeys(sorted[kept - 1], flow) != 0)
                {
                    throw new ArgumentException($"flows with one table, priority and match but different actions: {sorted[kept - 1]} / {flow}", nameof(flows));
                }

                continue;
            }

            sorted[kept++] = flow;
        }

        sorted.RemoveRange(kept, sorted.Count - kept);
        Flows = sorted;
    }

    public ulong Cookie { get; }

    public IReadOnlyList<Flow> Flows { get; }

    public bool Equals(FlowPlan? other) => other is not null && Cookie == other.Cookie && Flows.SequenceEqual(other.Flows);

    public override int GetHashCode() => HashCode.Combine(Cookie, Flows.Count);
}
