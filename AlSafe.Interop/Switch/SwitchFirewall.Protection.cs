using System.Net.Sockets;
using AlSafe.Interop.Ovsdb;

namespace AlSafe.Interop.Switch;

public sealed partial class SwitchFirewall
{
    /// <summary>
    /// Marks protected, in the switch's database, the ports <paramref name="plans"/> guard, then unmarks the ports this
    /// firewall marked that no desired plan guards any more. It runs before flows are installed: a VM's egress ends in
    /// NORMAL, and NORMAL must not flood it to the other protected VMs' ports from the first frame on.
    /// </summary>
    /// <remarks>
    /// A port is looked up each time, not remembered: a VM's interface that was deleted and created again is a new,
    /// unmarked row, possibly with the same ofport. Unmarking touches only the row that was marked, and only while it is
    /// still on the bridge (a deleted VM's port needs nothing; a port that stays for another use goes back to the default,
    /// unmarked), never a port that another desired plan guards. Without the database nothing is marked; a database that
    /// cannot be reached is logged and the flows are installed all the same: they are the primary enforcement (every
    /// frame to a protected VM's MAC is judged by its plan), the mark only keeps NORMAL's floods away from its port, and
    /// withholding the flows would leave the VM with no plan at all, switched by NORMAL unfiltered. The next maintenance
    /// tries again.
    /// </remarks>
    private async Task ProtectPortsLockedAsync(IEnumerable<EncodedPlan> plans, CancellationToken ct)
    {
        if (_options.OvsdbEndpoint is not { } endpoint)
        {
            return;
        }

        var guarded = _desired.Values.SelectMany(plan => plan.Ports).ToHashSet();
        var stale = _portRows.Where(pair => !guarded.Contains(pair.Key)).ToList();
        var ports = plans.SelectMany(plan => plan.Ports).Distinct().ToList();
        if (ports.Count == 0 && stale.Count == 0)
        {
            return;
        }

        try
        {
            var client = await OvsdbClient.ConnectAsync(endpoint, new OvsdbClientOptions { Timeout = _options.RequestTimeout }, ct).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                foreach (var ofPort in ports)
                {
                    var row = await OvsdbPortProtection.ProtectAsync(client, _options.Bridge, ofPort, _options.RequestTimeout, Log, ct).ConfigureAwait(false);
                    if (row is null && (!_portRows.TryGetValue(ofPort, out var before) || before is not null))
                    {
                        Log($"ofport {ofPort}: no interface on the bridge has it; its port is marked protected when a plan is applied or the table maintained after it appears");
                    }

                    _portRows[ofPort] = row;
                }

                var kept = _portRows.Where(pair => guarded.Contains(pair.Key)).Select(pair => pair.Value).ToHashSet();
                foreach (var (ofPort, row) in stale)
                {
                    if (row is { } port && !kept.Contains(port))
                    {
                        await OvsdbPortProtection.UnprotectAsync(client, _options.Bridge, port, _options.RequestTimeout, Log, ct).ConfigureAwait(false);
                    }

                    _portRows.Remove(ofPort);
                }
            }
        }
        catch (Exception e) when (e is OvsdbException or TimeoutException or IOException or SocketException)
        {
            Log($"cannot mark the VM ports protected through {endpoint}: {e.Message}; their flows are installed anyway, and NORMAL may flood " +
                "a VM's egress to other VMs' ports until the next maintenance marks them");
        }
    }
}
