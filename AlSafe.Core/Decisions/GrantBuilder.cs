using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// Turns one VM's allowed sockets into what the firewall opens: new connections to each allowed service on the VM's
/// own addresses, and each allowed client connection as its exact 5-tuple. Nothing else is opened; replies and the
/// rest of an accepted connection ride on conntrack's established state.
/// </summary>
public static class GrantBuilder
{
    private static readonly AddressPrefix AnyIPv4 = AddressPrefix.Create(IPAddress.Any, 0);
    private static readonly AddressPrefix AnyIPv6 = AddressPrefix.Create(IPAddress.IPv6Any, 0);

    /// <summary>The grants of <paramref name="report"/>'s Allow verdicts, without duplicates, in the order of <see cref="InboundGrantComparer"/> and <see cref="OutboundGrantComparer"/>.</summary>
    /// <exception cref="ArgumentException">The report is about another VM than <paramref name="vm"/>.</exception>
    public static GrantSet Build(VmPort vm, VerdictReport report)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(report);
        if (!string.Equals(vm.Name, report.Vm, StringComparison.Ordinal))
        {
            throw new ArgumentException($"a report on VM '{report.Vm}' cannot open anything for VM '{vm.Name}'", nameof(report));
        }

        var inbound = new List<InboundGrant>();
        var outbound = new List<OutboundGrant>();
        foreach (var verdict in report.Verdicts)
        {
            if (verdict.Kind != VerdictKind.Allow || verdict.Entry is null)
            {
                continue;
            }

            if (verdict.Direction == TrafficDirection.Out)
            {
                AddOutbound(vm, verdict.Socket, outbound);
            }
            else if (verdict.Direction == TrafficDirection.In && ConnectionClassifier.Serves(verdict.Socket))
            {
                AddInbound(vm, verdict, inbound);
            }

            // An accepted connection opens nothing of its own: its listener's grant let it in, and conntrack
            // carries it from there.
        }

        return new GrantSet(vm, SortedDistinct(inbound, InboundGrantComparer.Instance), SortedDistinct(outbound, OutboundGrantComparer.Instance));
    }

    private static void AddInbound(VmPort vm, Verdict verdict, List<InboundGrant> grants)
    {
        var local = ConnectionClassifier.Unmap(verdict.Socket.LocalAddress);
        if (!ConnectionClassifier.IsUnspecified(local))
        {
            // A service bound to an address that is not the VM's (127.0.0.1, a stale address) is unreachable from
            // the network: it opens nothing.
            if (IsVmAddress(vm, local))
            {
                AddInbound(local, verdict, grants);
            }

            return;
        }

        // A wildcard listener is reachable on every VM address of its family, and a dual-stack one on '::' on the
        // IPv4 addresses too. One on '::' whose IPV6_V6ONLY is unknown gets only the IPv6 addresses: fail closed.
        var dualStack = ConnectionClassifier.IsDualStack(verdict.Socket);
        foreach (var address in vm.Addresses)
        {
            if (address.AddressFamily == local.AddressFamily || (dualStack && address.AddressFamily == AddressFamily.InterNetwork))
            {
                AddInbound(address, verdict, grants);
            }
        }
    }

    private static void AddInbound(IPAddress vmAddress, Verdict verdict, List<InboundGrant> grants)
    {
        var socket = verdict.Socket;
        var anyRemote = vmAddress.AddressFamily == AddressFamily.InterNetwork ? AnyIPv4 : AnyIPv6;

        // A verdict made elsewhere may not list its granting lines; its own line is then the one it opens.
        var entries = verdict.GrantingEntries.Count > 0 ? verdict.GrantingEntries : [verdict.Entry!];
        foreach (var entry in entries)
        {
            // A remote of the other family cannot reach this address; the engine never lists one, a caller might.
            if (entry.Remote.IsAny || entry.Remote.Family == vmAddress.AddressFamily)
            {
                grants.Add(new InboundGrant(vmAddress, socket.Protocol, socket.LocalPort, entry.Remote.IsAny ? anyRemote : entry.Remote, entry.RemotePort));
            }
        }
    }

    private static void AddOutbound(VmPort vm, GuestSocket socket, List<OutboundGrant> grants)
    {
        // Only the VM's own addresses may leave its port; a client socket on any other source opens nothing.
        var local = ConnectionClassifier.Unmap(socket.LocalAddress);
        if (IsVmAddress(vm, local))
        {
            grants.Add(new OutboundGrant(local, socket.LocalPort, socket.Protocol, ConnectionClassifier.Unmap(socket.RemoteAddress), socket.RemotePort));
        }
    }

    private static bool IsVmAddress(VmPort vm, IPAddress address)
    {
        foreach (var own in vm.Addresses)
        {
            if (own.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    private static List<T> SortedDistinct<T>(List<T> grants, IComparer<T> comparer)
    {
        grants.Sort(comparer);
        var kept = 0;
        for (var i = 0; i < grants.Count; i++)
        {
            if (kept == 0 || comparer.Compare(grants[kept - 1], grants[i]) != 0)
            {
                grants[kept++] = grants[i];
            }
        }

        grants.RemoveRange(kept, grants.Count - kept);
        return grants;
    }
}
