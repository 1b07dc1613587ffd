using System.Text.Json;
using System.Text.Json.Nodes;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// The <c>protected</c> flag of a bridge's Port rows. A firewall whose flows hand a protected VM's egress to NORMAL
/// needs the flag on every VM port it protects: the switch learns no MAC from frames that flows output to a VM, so
/// NORMAL floods frames towards such a MAC (the uplink's, typically), and without the flag the flood reaches the other
/// protected VMs' ports without passing their ingress flows.
/// </summary>
/// <remarks>
/// Open vSwitch (3.1) drops every output from a protected port to another one, NORMAL's and an explicit output:P
/// alike, judging by the packet's in_port at the time of the output: a flow that delivers one protected VM's traffic to
/// another must clear in_port first (set_field:0->in_port), and broadcast address resolution between two protected VMs
/// does not pass through NORMAL.
/// </remarks>
public static class OvsdbPortProtection
{
    private const string Database = "Open_vSwitch";
    private const int ChangeAttempts = 3;

    /// <summary>
    /// Marks protected the port of the interface that has <paramref name="ofPort"/> on the bridge, unless it already
    /// is, and waits until ovs-vswitchd has applied the change.
    /// </summary>
    /// <param name="applyTimeout">How long ovs-vswitchd may take to apply the change.</param>
    /// <param name="log">Told, in one line, when the port was changed.</param>
    /// <returns>The Port row, or null when no interface on the bridge has that ofport (the port is gone, or not there
    /// yet).</returns>
    /// <exception cref="OvsdbException">No bridge has that name, several of its ports have the ofport, the change was
    /// refused, or the port kept changing under this client.</exception>
    /// <exception cref="TimeoutException">ovs-vswitchd did not apply the change in time.</exception>
    public static async Task<Guid?> ProtectAsync(OvsdbClient client, string bridge, uint ofPort, TimeSpan applyTimeout,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await FindAsync(client, bridge, ofPort, cancellationToken).ConfigureAwait(false) is not { } port)
            {
                return null;
            }

            if (port.Protected)
            {
                return port.Uuid;
            }

            if (await TryChangeAsync(client, bridge, port, attempt, applyTimeout, cancellationToken).ConfigureAwait(false))
            {
                log?.Invoke($"bridge {bridge}: port {port.Name} (ofport {ofPort}) marked protected: NORMAL no longer forwards between it and other protected ports");
                return port.Uuid;
            }
        }
    }

    /// <summary>
    /// Clears the flag of a Port row this client marked, if the row is still on the bridge, and waits until
    /// ovs-vswitchd has applied the change. A row that is gone (the VM's interface was deleted) needs nothing; a port
    /// re-created under the same name or ofport is another row, so it is never touched.
    /// </summary>
    /// <returns>False when the row is no longer on the bridge.</returns>
    /// <exception cref="OvsdbException">No bridge has that name, the change was refused, or the port kept changing under
    /// this client.</exception>
    /// <exception cref="TimeoutException">ovs-vswitchd did not apply the change in time.</exception>
    public static async Task<bool> UnprotectAsync(OvsdbClient client, string bridge, Guid port, TimeSpan applyTimeout,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await client.TransactAsync(Database,
            [
                SelectBridge(bridge),
                new JsonObject { ["op"] = "select", ["table"] = "Port", ["where"] = new JsonArray(IsRow(port)), ["columns"] = PortColumns() },
            ], cancellationToken).ConfigureAwait(false);
            var rows = result[1].GetProperty("rows");
            if (!BridgePorts(result[0], bridge).Contains(port) || rows.GetArrayLength() != 1)
            {
                return false;
            }

            var row = ReadPort(rows[0], null);
            if (!row.Protected)
            {
                return true;
            }

            if (await TryChangeAsync(client, bridge, row, attempt, applyTimeout, cancellationToken).ConfigureAwait(false))
            {
                log?.Invoke($"bridge {bridge}: port {row.Name} no longer protected");
                return true;
            }
        }
    }

    /// <summary>The Port row on the bridge holding the interface with <paramref name="ofPort"/>. An Interface row does
    /// not name its bridge, and ofports are only unique within one, so the candidates are narrowed through
    /// Bridge.ports.</summary>
    private static async Task<PortRow?> FindAsync(OvsdbClient client, string bridge, uint ofPort, CancellationToken cancellationToken)
    {
        var result = await client.TransactAsync(Database,
        [
            SelectBridge(bridge),
            new JsonObject
            {
                ["op"] = "select", ["table"] = "Interface", ["where"] = new JsonArray(new JsonArray("ofport", "==", ofPort)),
                ["columns"] = new JsonArray("_uuid"),
            },
        ], cancellationToken).ConfigureAwait(false);
        var onBridge = BridgePorts(result[0], bridge);
        var interfaces = result[1].GetProperty("rows").EnumerateArray().Select(row => Uuid(row, "_uuid")).ToList();
        if (interfaces.Count == 0)
        {
            return null;
        }

        var selects = new JsonArray();
        foreach (var candidate in interfaces)
        {
            selects.Add(new JsonObject
            {
                ["op"] = "select", ["table"] = "Port", ["where"] = new JsonArray(new JsonArray("interfaces", "includes", UuidJson(candidate))),
                ["columns"] = PortColumns(),
            });
        }

        var ports = await client.TransactAsync(Database, selects, cancellationToken).ConfigureAwait(false);
        var found = new List<PortRow>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            found.AddRange(ports[i].GetProperty("rows").EnumerateArray()
                .Select(row => ReadPort(row, interfaces[i]))
                .Where(port => onBridge.Contains(port.Uuid)));
        }

        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new OvsdbException($"bridge {bridge} has {found.Count} ports with ofport {ofPort}: {string.Join(", ", found.Select(port => port.Name))}"),
        };
    }

    /// <summary>
    /// One transaction: the port is still on the bridge, still holds the interface it was found by, and its flag is
    /// still what was read (the waits); the flag flips; next_cfg is bumped so that cur_cfg tells when ovs-vswitchd has
    /// applied it. False when a wait found the port changed since it was read and another attempt is left.
    /// </summary>
    private static async Task<bool> TryChangeAsync(OvsdbClient client, string bridge, PortRow port, int attempt, TimeSpan applyTimeout,
        CancellationToken cancellationToken)
    {
        var portWhere = new JsonArray(IsRow(port.Uuid));
        if (port.Interface is { } iface)
        {
            portWhere.Add(new JsonArray("interfaces", "includes", UuidJson(iface)));
        }

        JsonArray operations =
        [
            new JsonObject
            {
                ["op"] = "wait", ["timeout"] = 0, ["table"] = "Bridge",
                ["where"] = new JsonArray(new JsonArray("name", "==", bridge), new JsonArray("ports", "includes", UuidJson(port.Uuid))),
                ["columns"] = new JsonArray("name"), ["until"] = "==", ["rows"] = new JsonArray(new JsonObject { ["name"] = bridge }),
            },
            new JsonObject
            {
                ["op"] = "wait", ["timeout"] = 0, ["table"] = "Port", ["where"] = portWhere, ["columns"] = new JsonArray("protected"),
                ["until"] = "==", ["rows"] = new JsonArray(new JsonObject { ["protected"] = port.Protected }),
            },
            new JsonObject { ["op"] = "update", ["table"] = "Port", ["where"] = new JsonArray(IsRow(port.Uuid)), ["row"] = new JsonObject { ["protected"] = !port.Protected } },
            new JsonObject { ["op"] = "mutate", ["table"] = "Open_vSwitch", ["where"] = new JsonArray(), ["mutations"] = new JsonArray(new JsonArray("next_cfg", "+=", 1)) },
            new JsonObject { ["op"] = "select", ["table"] = "Open_vSwitch", ["where"] = new JsonArray(), ["columns"] = new JsonArray("next_cfg") },
            new JsonObject { ["op"] = "comment", ["comment"] = $"alsafe: protected={(!port.Protected ? "true" : "false")} on port {port.Name} of bridge {bridge}" },
        ];
        JsonElement result;
        try
        {
            result = await client.TransactAsync(Database, operations, cancellationToken).ConfigureAwait(false);
        }
        catch (OvsdbException e) when (e.Error == "timed out" && attempt < ChangeAttempts)
        {
            // A wait found the port changed since it was read: someone else is editing it; read it again.
            return false;
        }

        var target = OvsdbBridgeSettings.ConfigurationNumber(result[4], "next_cfg");
        await OvsdbBridgeSettings.WaitAppliedAsync(client, target, applyTimeout, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static JsonObject SelectBridge(string bridge)
    {
        ArgumentException.ThrowIfNullOrEmpty(bridge);
        return new JsonObject
        {
            ["op"] = "select", ["table"] = "Bridge", ["where"] = new JsonArray(new JsonArray("name", "==", bridge)), ["columns"] = new JsonArray("ports"),
        };
    }

    private static HashSet<Guid> BridgePorts(JsonElement selectResult, string bridge)
    {
        var rows = selectResult.GetProperty("rows");
        return rows.GetArrayLength() == 1
            ? [.. OvsdbDataDecoder.DecodeDatum(rows[0].GetProperty("ports")).GetUuids()]
            : throw new OvsdbException($"the switch's database has no bridge named '{bridge}'");
    }

    private static JsonArray PortColumns() => new("_uuid", "name", "protected");

    private static PortRow ReadPort(JsonElement row, Guid? iface) => new(
        Uuid(row, "_uuid"),
        OvsdbDataDecoder.DecodeDatum(row.GetProperty("name")).GetString(),
        OvsdbDataDecoder.DecodeDatum(row.GetProperty("protected")).Elements is [var flag] ? flag.AsBoolean()
            : throw new OvsdbException("OVSDB sent a Port row whose protected column is not one boolean"),
        iface);

    private static Guid Uuid(JsonElement row, string column) =>
        OvsdbDataDecoder.DecodeDatum(row.GetProperty(column)).GetUuids() is [var uuid]
            ? uuid
            : throw new OvsdbException($"OVSDB sent a row whose {column} is not one UUID");

    private static JsonArray IsRow(Guid uuid) => new("_uuid", "==", UuidJson(uuid));

    private static JsonArray UuidJson(Guid uuid) => new("uuid", uuid.ToString("D"));

    /// <param name="Interface">The interface the port was found by, which must still be among its interfaces when it
    /// is changed; null when the port was named by its own row.</param>
    private sealed record PortRow(Guid Uuid, string Name, bool Protected, Guid? Interface);
}
