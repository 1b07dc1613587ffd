namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// The elements to delete and to add to turn one VM's edge rule set into another. nftables elements have no action
/// to change: an element is either kept, or deleted and another added.
/// </summary>
public sealed record EdgeRuleSetDiff
{
    private EdgeRuleSetDiff(string vm, IReadOnlyList<EdgeElement> removed, IReadOnlyList<EdgeElement> added)
    {
        Vm = vm;
        Removed = removed;
        Added = added;
    }

    public string Vm { get; }

    public IReadOnlyList<EdgeElement> Removed { get; }

    public IReadOnlyList<EdgeElement> Added { get; }

    public bool IsEmpty => Removed.Count == 0 && Added.Count == 0;

    public static EdgeRuleSetDiff Compute(EdgeRuleSet old, EdgeRuleSet @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);

        // Both sets are sorted in one total order, so one walk over both finds what changed: the cost is the length
        // of the sets, and the memory that of the change, where hashing both sets cost memory for every element.
        var before = old.Elements;
        var after = @new.Elements;
        List<EdgeElement>? removed = null;
        List<EdgeElement>? added = null;
        var i = 0;
        var j = 0;
        while (i < before.Count || j < after.Count)
        {
            var order = i == before.Count ? 1 : j == after.Count ? -1 : EdgeElementOrder.Instance.Compare(before[i], after[j]);
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
                i++;
                j++;
            }
        }

        return new EdgeRuleSetDiff(@new.Vm, (IReadOnlyList<EdgeElement>?)removed ?? [], (IReadOnlyList<EdgeElement>?)added ?? []);
    }

    /// <summary>The rule set that results from applying this diff to <paramref name="old"/>, which must be the set it was computed from.</summary>
    public EdgeRuleSet Apply(EdgeRuleSet old)
    {
        ArgumentNullException.ThrowIfNull(old);
        var present = old.Elements.ToHashSet();
        if (Removed.FirstOrDefault(element => !present.Contains(element)) is { } missing)
        {
            throw new InvalidOperationException($"the diff removes an element the rule set does not have: {missing}");
        }

        return new EdgeRuleSet(Vm, old.Elements.Except(Removed).Concat(Added));
    }
}
