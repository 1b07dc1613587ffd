using AlSafe.Core.Ports;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// Turns a replica of the vswitch schema's Bridge, Port and Interface tables into <see cref="SwitchPort"/>s. An
/// Interface row does not name its bridge: Bridge.ports references Port rows and Port.interfaces Interface rows.
/// </summary>
internal static class SwitchPortProjection
{
    public const string Database = "Open_vSwitch";

    public static IReadOnlyList<OvsdbTableSelection> Tables { get; } =
    [
        new("Bridge", ["name", "ports"]),
        new("Port", ["name", "interfaces"]),
        new("Interface", ["name", "ofport", "external_ids", "mac_in_use", "type"]),
    ];

    /// <param name="bridge">Only interfaces on this bridge; all of them when null.</param>
    /// <param name="knownMacInUse">mac_in_use by Interface row, for rows whose column is empty (see
    /// <see cref="RememberMacInUse"/>).</param>
    /// <exception cref="OvsdbException">A row lacks a column or holds a value of the wrong type.</exception>
    public static List<SwitchPort> Project(OvsdbReplica replica, string? bridge, IReadOnlyDictionary<Guid, string> knownMacInUse)
    {
        var bridgeOfPort = new Dictionary<Guid, string>();
        foreach (var (_, row) in replica.Rows("Bridge"))
        {
            var name = Column(row, "Bridge", "name").GetString();
            foreach (var port in Column(row, "Bridge", "ports").GetUuids())
            {
                bridgeOfPort[port] = name;
            }
        }

        var bridgeOfInterface = new Dictionary<Guid, string>();
        foreach (var (uuid, row) in replica.Rows("Port"))
        {
            if (bridgeOfPort.TryGetValue(uuid, out var name))
            {
                foreach (var iface in Column(row, "Port", "interfaces").GetUuids())
                {
                    bridgeOfInterface[iface] = name;
                }
            }
        }

        var ports = new List<SwitchPort>();
        foreach (var (uuid, row) in replica.Rows("Interface"))
        {
            var on = bridgeOfInterface.GetValueOrDefault(uuid);
            if (bridge is not null && on != bridge)
            {
                continue;
            }

            ports.Add(new SwitchPort(
                Column(row, "Interface", "name").GetString(),
                on,
                OfPort(Column(row, "Interface", "ofport").GetOptionalInteger()),
                Column(row, "Interface", "external_ids").GetStringMap(),
                Column(row, "Interface", "mac_in_use").GetOptionalString() ?? knownMacInUse.GetValueOrDefault(uuid),
                Column(row, "Interface", "type").GetString()));
        }

        return ports;
    }

    /// <summary>
    /// What to remember of mac_in_use after this view. The column is ephemeral: a restarted ovsdb-server has forgotten
    /// it until ovs-vswitchd writes it again, and without this every VM whose MAC comes from it would lose its MAC and
    /// get it back, two rule rewrites, across a database restart. Row UUIDs survive the restart, so the last value
    /// seen for a row stands in while the column is empty; rows that are gone are forgotten.
    /// </summary>
    public static Dictionary<Guid, string> RememberMacInUse(OvsdbReplica replica, IReadOnlyDictionary<Guid, string> known)
    {
        var remembered = new Dictionary<Guid, string>();
        foreach (var (uuid, row) in replica.Rows("Interface"))
        {
            if ((Column(row, "Interface", "mac_in_use").GetOptionalString() ?? known.GetValueOrDefault(uuid)) is { } mac)
            {
                remembered[uuid] = mac;
            }
        }

        return remembered;
    }

    // -1 is how ovs-vswitchd says it could not open the interface: no port, like an empty ofport. A number past int is
    // past the reserved ports too, so it is kept as one the resolver refuses rather than taken for unassigned.
    private static int? OfPort(long? ofport) => ofport is > 0 ? (int)Math.Min(ofport.Value, int.MaxValue) : null;

    private static OvsdbDatum Column(Dictionary<string, OvsdbDatum> row, string table, string column) =>
        row.TryGetValue(column, out var value)
            ? value
            : throw new OvsdbException($"OVSDB sent a {table} row without its {column} column");
}
