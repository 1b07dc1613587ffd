namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// A rule as the edge reports it, reduced to its shape: the left side of each match in order (<c>ip daddr . meta
/// l4proto</c>, <c>ct state</c>), the sets it looks up, its other statements in order (<c>accept</c>, <c>drop</c>,
/// <c>jump CHAIN</c>, <c>counter</c>...) and its comment. <see cref="Handle"/> is what a delete names; 0 when the edge
/// gave none.
/// </summary>
public sealed record EdgeRuleState(long Handle, IReadOnlyList<string> Matches, IReadOnlyList<string> Sets, IReadOnlyList<string> Statements, string? Comment)
{
    /// <summary>The chain this rule jumps to when that jump is all the rule does, else null.</summary>
    public string? PlainJumpTarget =>
        Matches.Count == 0 && Statements is [var only] && only.StartsWith("jump ", StringComparison.Ordinal) ? only["jump ".Length..] : null;

    /// <summary>Whether any statement of the rule jumps or goes to <paramref name="chain"/>.</summary>
    public bool Enters(string chain) =>
        Statements.Any(statement => statement == "jump " + chain || statement == "goto " + chain);
}
