using System.Text.Json;
using System.Text.Json.Nodes;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// A bridge's fail_mode in the switch's database. A firewall bridge must be "secure": in "standalone" (also what an
/// unset fail_mode means) Open vSwitch falls back to NORMAL switching, that is to no firewall, whenever its flow table
/// is flushed or a controller is unreachable.
/// </summary>
public static class OvsdbBridgeSettings
{
    public const string SecureFailMode = "secure";

    private const string Database = "Open_vSwitch";
    private const int ChangeAttempts = 3;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The bridge's fail_mode, or null when it is unset.</summary>
    /// <exception cref="OvsdbException">No bridge has that name, or the request failed.</exception>
    public static async Task<string?> ReadFailModeAsync(OvsdbClient client, string bridge, CancellationToken cancellationToken = default)
    {
        var (mode, _) = await ReadAsync(client, bridge, cancellationToken).ConfigureAwait(false);
        return mode;
    }

    /// <summary>
    /// Sets fail_mode to "secure" unless it already is, and waits until ovs-vswitchd has applied the change. Applying
    /// it flushes the bridge's flow table, so whoever installs flows must call this first.
    /// </summary>
    /// <param name="applyTimeout">How long ovs-vswitchd may take to apply the change.</param>
    /// <param name="log">Told, in one line, when the mode was changed.</param>
    /// <returns>True when the mode was changed (and the table flushed).</returns>
    /// <exception cref="OvsdbException">No bridge has that name, the change was refused, or the mode kept changing under
    /// this client.</exception>
    /// <exception cref="TimeoutException">ovs-vswitchd did not apply the change in time.</exception>
    public static async Task<bool> EnsureSecureFailModeAsync(OvsdbClient client, string bridge, TimeSpan applyTimeout,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (mode, observed) = await ReadAsync(client, bridge, cancellationToken).ConfigureAwait(false);
            if (mode == SecureFailMode)
            {
                return false;
            }

            long target;
            try
            {
                target = await SetSecureAsync(client, bridge, observed, cancellationToken).ConfigureAwait(false);
            }
            catch (OvsdbException e) when (e.Error == "timed out" && attempt < ChangeAttempts)
            {
                // The wait found fail_mode changed since it was read: someone else is editing it; read it again.
                continue;
            }

            await WaitAppliedAsync(client, target, applyTimeout, cancellationToken).ConfigureAwait(false);
            log?.Invoke($"bridge {bridge}: fail_mode was {mode ?? "unset (standalone)"}, set to {SecureFailMode}; the switch flushed its flow table");
            return true;
        }
    }

    private static async Task<(string? Mode, JsonNode? Observed)> ReadAsync(OvsdbClient client, string bridge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(bridge);
        var result = await client.TransactAsync(Database,
            [new JsonObject { ["op"] = "select", ["table"] = "Bridge", ["where"] = ByName(bridge), ["columns"] = new JsonArray("fail_mode") }],
            cancellationToken).ConfigureAwait(false);
        var rows = result[0].GetProperty("rows");
        if (rows.GetArrayLength() != 1)
        {
            throw new OvsdbException($"the switch's database has no bridge named '{bridge}'");
        }

        var column = rows[0].GetProperty("fail_mode");
        return (OvsdbDataDecoder.DecodeDatum(column).GetOptionalString(), JsonNode.Parse(column.GetRawText()));
    }

    /// <summary>One transaction: fail_mode is still what was read (the wait), becomes secure, and next_cfg is bumped
    /// so that ovs-vswitchd's cur_cfg tells when it has applied the change (as ovs-vsctl does). Returns that next_cfg.</summary>
    private static async Task<long> SetSecureAsync(OvsdbClient client, string bridge, JsonNode? observed, CancellationToken cancellationToken)
    {
        var result = await client.TransactAsync(Database,
        [
            new JsonObject
            {
                ["op"] = "wait", ["timeout"] = 0, ["table"] = "Bridge", ["where"] = ByName(bridge), ["columns"] = new JsonArray("fail_mode"),
                ["until"] = "==", ["rows"] = new JsonArray(new JsonObject { ["fail_mode"] = observed }),
            },
            new JsonObject { ["op"] = "update", ["table"] = "Bridge", ["where"] = ByName(bridge), ["row"] = new JsonObject { ["fail_mode"] = SecureFailMode } },
            new JsonObject { ["op"] = "mutate", ["table"] = "Open_vSwitch", ["where"] = new JsonArray(), ["mutations"] = new JsonArray(new JsonArray("next_cfg", "+=", 1)) },
            new JsonObject { ["op"] = "select", ["table"] = "Open_vSwitch", ["where"] = new JsonArray(), ["columns"] = new JsonArray("next_cfg") },
            new JsonObject { ["op"] = "comment", ["comment"] = $"alsafe: fail_mode={SecureFailMode} on bridge {bridge}" },
        ], cancellationToken).ConfigureAwait(false);
        return ConfigurationNumber(result[3], "next_cfg");
    }

    /// <summary>Polls cur_cfg until ovs-vswitchd has applied the configuration whose next_cfg was
    /// <paramref name="target"/>.</summary>
    internal static async Task WaitAppliedAsync(OvsdbClient client, long target, TimeSpan applyTimeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(applyTimeout);
        try
        {
            while (true)
            {
                var result = await client.TransactAsync(Database,
                    [new JsonObject { ["op"] = "select", ["table"] = "Open_vSwitch", ["where"] = new JsonArray(), ["columns"] = new JsonArray("cur_cfg") }],
                    deadline.Token).ConfigureAwait(false);
                if (ConfigurationNumber(result[0], "cur_cfg") >= target)
                {
                    return;
                }

                await Task.Delay(PollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"ovs-vswitchd did not apply configuration {target} within {applyTimeout}", e);
        }
    }

    internal static long ConfigurationNumber(JsonElement selectResult, string column)
    {
        var rows = selectResult.GetProperty("rows");
        return rows.GetArrayLength() == 1 && OvsdbDataDecoder.DecodeDatum(rows[0].GetProperty(column)).GetOptionalInteger() is { } value
            ? value
            : throw new OvsdbException($"the switch's database has no single Open_vSwitch row with {column}");
    }

    private static JsonArray ByName(string bridge) => new(new JsonArray("name", "==", bridge));
}
