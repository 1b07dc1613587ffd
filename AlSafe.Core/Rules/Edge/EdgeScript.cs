namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// The <c>nft -f</c> transaction that turns a node's elements on the edge from what they are into what they should
/// be. It touches only that node's sets (and, when a set is declared again, that node's allow chain), so nodes
/// sharing an edge can update at the same time.
/// </summary>
public static class EdgeScript
{
    /// <summary>
    /// The statements that turn the node's sets holding <paramref name="onEdge"/> into sets holding exactly
    /// <paramref name="wanted"/>; empty when they already do. An interval set losing many elements is declared
    /// again with its new elements rather than emptied element by element (see <see cref="EdgeTransaction.RebuildIsCheaper"/>),
    /// in the same transaction, so no packet ever meets it half-written.
    /// </summary>
    public static string Update(EdgeNode node, IReadOnlyCollection<EdgeElement> onEdge, IReadOnlyCollection<EdgeElement> wanted)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(onEdge);
        ArgumentNullException.ThrowIfNull(wanted);
        var before = onEdge.ToLookup(node.SetName, StringComparer.Ordinal);
        var after = wanted.ToLookup(node.SetName, StringComparer.Ordinal);
        var transaction = new EdgeTransaction();
        var rebuilt = false;
        foreach (var set in EdgeLayout.Sets(node).Where(set => set.Direction is not null))
        {
            rebuilt |= ChangeElements(transaction, set, before[set.Name].ToHashSet(), unreadable: 0, after[set.Name].ToHashSet());
        }

        if (rebuilt)
        {
            RewriteChain(transaction, node.AllowChain, EdgeLayout.AllowRules(node));
        }

        return transaction.Render();
    }

    /// <summary>
    /// Adds to <paramref name="transaction"/> what turns the set's readable <paramref name="before"/> (plus
    /// <paramref name="unreadable"/> elements that cannot be named in a delete) into <paramref name="after"/>; true when
    /// the set is declared again, whose chain the caller must then rewrite.
    /// </summary>
    internal static bool ChangeElements(
        EdgeTransaction transaction, EdgeSetDefinition set, IReadOnlySet<EdgeElement> before, int unreadable, IReadOnlySet<EdgeElement> after)
    {
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        if (unreadable > 0 || (set.IsInterval && EdgeTransaction.RebuildIsCheaper(removed.Count, before.Count, after.Count)))
        {
            transaction.DeleteSet(set.Name);
            transaction.DeclareSet(set);
            transaction.AddElements(set.Name, after);
            return true;
        }

        transaction.DeleteElements(set.Name, removed);
        transaction.AddElements(set.Name, added);
        return false;
    }

    internal static void RewriteChain(EdgeTransaction transaction, string chain, IReadOnlyList<EdgeRuleDefinition> rules)
    {
        transaction.FlushChain(chain);
        transaction.AddRules(chain, rules);
    }
}
