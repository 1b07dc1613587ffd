namespace AlSafe.Interop.Ovsdb;

/// <summary>A copy of the monitored tables, kept current by applying a monitor's initial rows and update batches.</summary>
internal sealed class OvsdbReplica
{
    private readonly Dictionary<string, Dictionary<Guid, Dictionary<string, OvsdbDatum>>> _tables = new(StringComparer.Ordinal);

    /// <summary>The rows of a table by UUID; empty for a table never seen.</summary>
    public IReadOnlyDictionary<Guid, Dictionary<string, OvsdbDatum>> Rows(string table) =>
        _tables.TryGetValue(table, out var rows) ? rows : new Dictionary<Guid, Dictionary<string, OvsdbDatum>>();

    public void Apply(IEnumerable<OvsdbRowUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (!_tables.TryGetValue(update.Table, out var rows))
            {
                rows = [];
                _tables.Add(update.Table, rows);
            }

            if (update.New is null)
            {
                rows.Remove(update.Uuid);
                continue;
            }

            // A modify may carry only the columns that changed: the others keep their values.
            if (!rows.TryGetValue(update.Uuid, out var row))
            {
                row = new Dictionary<string, OvsdbDatum>(StringComparer.Ordinal);
                rows.Add(update.Uuid, row);
            }

            foreach (var (column, value) in update.New)
            {
                row[column] = value;
            }
        }
    }
}
