namespace AlSafe.Core.Rules.Edge;

/// <summary>What the edge holds of table <c>inet alsafe</c>, as read back with <c>nft -j</c>.</summary>
public sealed class EdgeTableState
{
    public EdgeTableState(IEnumerable<EdgeChainState> chains, IEnumerable<EdgeSetState> sets)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(sets);
        Exists = true;
        Chains = Index(chains, chain => chain.Name);
        Sets = Index(sets, set => set.Name);
    }

    private EdgeTableState()
    {
        Chains = new Dictionary<string, EdgeChainState>();
        Sets = new Dictionary<string, EdgeSetState>();
    }

    /// <summary>The edge has no table <c>inet alsafe</c> (never installed, or gone with a reboot).</summary>
    public static EdgeTableState Absent { get; } = new();

    public bool Exists { get; }

    public IReadOnlyDictionary<string, EdgeChainState> Chains { get; }

    public IReadOnlyDictionary<string, EdgeSetState> Sets { get; }

    // nft never reports two objects of one name; if a forged answer does, the last one stands, as a later
    // declaration would in nft's own cache.
    private static Dictionary<string, T> Index<T>(IEnumerable<T> items, Func<T, string> name)
    {
        var index = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            index[name(item)] = item;
        }

        return index;
    }
}
