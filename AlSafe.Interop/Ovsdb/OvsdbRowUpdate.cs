namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// One row's change in a monitor's initial state or update notification (RFC 7047 row-update): an insert (or initial
/// row) has only <see cref="New"/>, a delete only <see cref="Old"/>, a modify both; then <see cref="Old"/> holds the
/// changed columns' previous values and <see cref="New"/> the new ones.
/// </summary>
public sealed record OvsdbRowUpdate(
    string Table,
    Guid Uuid,
    IReadOnlyDictionary<string, OvsdbDatum>? Old,
    IReadOnlyDictionary<string, OvsdbDatum>? New)
{
    public bool IsDelete => New is null;
}
