namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// Every nftables set element the edge should hold for one VM, in canonical order and without duplicates. Elements
/// of one set never overlap: the kernel's concatenated interval sets refuse an element that overlaps another, even
/// one nested inside it.
/// </summary>
public sealed record EdgeRuleSet
{
    public EdgeRuleSet(string vm, IEnumerable<EdgeElement> elements)
    {
        ArgumentException.ThrowIfNullOrEmpty(vm);
        ArgumentNullException.ThrowIfNull(elements);
        Vm = vm;
        var sorted = new List<EdgeElement>(elements);

        // The planner hands its elements over in this order already: one pass finding each strictly after the one
        // before is then all the sorting and deduplication they need.
        if (!StrictlyAscending(sorted))
        {
            SortDistinct(sorted);
        }

        Elements = sorted;
    }

    public string Vm { get; }

    public IReadOnlyList<EdgeElement> Elements { get; }

    public bool Equals(EdgeRuleSet? other) => other is not null && Vm == other.Vm && Elements.SequenceEqual(other.Elements);

    public override int GetHashCode() => HashCode.Combine(Vm, Elements.Count);

    private static bool StrictlyAscending(List<EdgeElement> elements)
    {
        for (var i = 1; i < elements.Count; i++)
        {
            if (EdgeElementOrder.Instance.Compare(elements[i - 1], elements[i]) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    // The order tells equal elements, so duplicates end up side by side and go without hashing every element.
    private static void SortDistinct(List<EdgeElement> elements)
    {
        elements.Sort(EdgeElementOrder.Instance);
        var kept = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            if (kept == 0 || EdgeElementOrder.Instance.Compare(elements[kept - 1], elements[i]) != 0)
            {
                elements[kept++] = elements[i];
            }
        }

        elements.RemoveRange(kept, elements.Count - kept);
    }
}
