namespace AlSafe.Interop.Ovsdb;

/// <summary>One table a monitor watches and the columns it reports.</summary>
public sealed record OvsdbTableSelection(string Table, IReadOnlyList<string> Columns);
