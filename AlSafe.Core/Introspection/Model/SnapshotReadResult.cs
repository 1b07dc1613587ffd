namespace AlSafe.Core.Introspection.Model;

/// <summary>A connection list read back from JSON, and one line for each socket left out as implausible.</summary>
public sealed record SnapshotReadResult(IntrospectionSnapshot Snapshot, IReadOnlyList<string> Rejected);
