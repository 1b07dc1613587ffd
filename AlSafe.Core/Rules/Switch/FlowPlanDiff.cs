namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// What turns one plan into another on the switch. A flow whose key (table, priority, match) survives but whose
/// actions or cookie changed is only in <see cref="Added"/>: an OpenFlow add with the key of an existing flow replaces
/// it in place, so the packets it matches are never left to a lower-priority flow between a delete and an add.
/// <see cref="Removed"/> holds the flows whose key is gone.
/// </summary>
public sealed record FlowPlanDiff
{
    private FlowPlanDiff(ulong cookie, IReadOnlyList<Flow> removed, IReadOnlyList<Flow> added)
    {
        Cookie = cookie;
        Removed = removed;
        Added = added;
    }

    /// <summary>The cookie of the plan the diff leads to.</summary>
    public ulong Cookie { get; }

    public IReadOnlyList<Flow> Removed { get; }

    public IReadOnlyList<Flow> Added { get; }

    public bool IsEmpty => Removed.Count == 0 && Added.Count == 0;

    public static FlowPlanDiff Compute(FlowPlan old, FlowPlan @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);

        // Both plans are sorted by one order that leads with the key, and a plan holds each key once, so one walk
        // over both pairs every key with its flow in the other plan: the cost is the length of the plans, and the
        // memory that of the change, where hashing both plans cost memory for every flow.
        var before = old.Flows;
        var after = @new.Flows;
        List<Flow>? removed = null;
        List<Flow>? added = null;
        var i = 0;
        var j = 0;
        while (i < before.Count || j < after.Count)
        {
            var order = i == before.Count ? 1 : j == after.Count ? -1 : FlowOrder.CompareKeys(before[i], after[j]);
            if (order < 0)
            {
                (removed ??= []).Add(before[i++]);
            }
            else if (order > 0)
            {
                (added ??= []).Add(after[j++]);
            }
            else
            {
                if (FlowOrder.CompareBeyondKeys(before[i], after[j]) != 0)
                {
                    (added ??= []).Add(after[j]);
                }

                i++;
                j++;
            }
        }

        return new FlowPlanDiff(@new.Cookie, (IReadOnlyList<Flow>?)removed ?? [], (IReadOnlyList<Flow>?)added ?? []);
    }

    /// <summary>The plan that results from applying this diff to <paramref name="old"/>, which must be the plan it was computed from.</summary>
    public FlowPlan Apply(FlowPlan old)
    {
        ArgumentNullException.ThrowIfNull(old);
        var oldFlows = old.Flows.ToHashSet();
        if (Removed.FirstOrDefault(flow => !oldFlows.Contains(flow)) is { } missing)
        {
            throw new InvalidOperationException($"the diff removes a flow the plan does not have: {missing}");
        }

        var replaced = Removed.Concat(Added).Select(flow => flow.Key).ToHashSet();
        return new FlowPlan(Cookie, old.Flows.Where(flow => !replaced.Contains(flow.Key)).Concat(Added));
    }
}
