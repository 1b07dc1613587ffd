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
        Elements = [.. elements.Distinct().Order(EdgeElementOrder.Instance)];
    }

    public string Vm { get; }

    public IReadOnlyList<EdgeElement> Elements { get; }

    public bool Equals(EdgeRuleSet? other) => other is not null && Vm == other.Vm && Elements.SequenceEqual(other.Elements);

    public override int GetHashCode() => HashCode.Combine(Vm, Elements.Count);
}
