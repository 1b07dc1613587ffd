namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// One rule AL-SAFE writes: its nft text, and the shape in which <c>nft -j</c> reads it back (the left side of every
/// match, the sets it looks up, its statements and its comment). Comparing shapes rather than text keeps the check
/// independent of how an nft version spells operators and literals, and still catches a rule that was removed,
/// added, reordered, pointed at another set or given another verdict.
/// </summary>
internal sealed record EdgeRuleDefinition(string Text, IReadOnlyList<string> Matches, IReadOnlyList<string> Sets, string Verdict, string Comment)
{
    public bool IsMatchedBy(EdgeRuleState rule) =>
        rule.Comment == Comment
        && rule.Matches.SequenceEqual(Matches, StringComparer.Ordinal)
        && rule.Sets.SequenceEqual(Sets, StringComparer.Ordinal)
        && rule.Statements.SequenceEqual([Verdict], StringComparer.Ordinal);
}
