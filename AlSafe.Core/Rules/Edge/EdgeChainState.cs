namespace AlSafe.Core.Rules.Edge;

/// <summary>A chain as the edge reports it; <see cref="Hook"/>, <see cref="Type"/>, <see cref="Priority"/> and
/// <see cref="Policy"/> are null for a regular chain.</summary>
public sealed record EdgeChainState(string Name, string? Type, string? Hook, int? Priority, string? Policy, IReadOnlyList<EdgeRuleState> Rules);
