using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>Turns a VM's grants into the elements of the edge's nftables sets.</summary>
public static class EdgePlanner
{
    /// <summary>
    /// One element per outbound grant; for the inbound grants of one service (VM address, protocol, port), the fewest
    /// disjoint elements whose union is exactly what the grants allow, because the kernel refuses overlapping elements
    /// and grants may overlap (a <c>*</c> grant and a narrower one for the same port).
    /// </summary>
    public static EdgeRuleSet Plan(GrantSet grants)
    {
        GrantConsistency.Check(grants);

        // One element per grant unless nested grants split: sized so, the list rarely grows, and the rule set copies
        // it in one block rather than element by element from an enumeration.
        var elements = new List<EdgeElement>(grants.Inbound.Count + grants.Outbound.Count);
        foreach (var service in grants.Inbound.GroupBy(grant => (grant.VmAddress, grant.Protocol, grant.Port)))
        {
            elements.AddRange(DisjointElements(service.Key, service.Select(grant => (grant.Remote, grant.RemotePort))));
        }

        foreach (var grant in grants.Outbound)
        {
            elements.Add(new EdgeElement(
                TrafficDirection.Out,
                grant.VmAddress,
                grant.Protocol,
                grant.LocalPort,
                AddressPrefix.Host(grant.RemoteAddress),
                PortRange.Single(grant.RemotePort)));
        }

        return new EdgeRuleSet(grants.Vm.Name, elements);
    }

    // Remote prefixes are nested or disjoint. The ports allowed from an address are those of every grant whose prefix
    // holds it, so each prefix gets the ports its own chain of enclosing prefixes allows minus those its nearest
    // enclosing prefix already has: elements of nested prefixes then never share a port, and their union is exact.
    // In address order, shorter first among equal networks, the prefixes enclosing each one are exactly those still on
    // a stack, so one pass finds every chain; comparing every pair of prefixes would cost a service allowed from a
    // thousand networks tens of milliseconds on every introspection.
    private static IEnumerable<EdgeElement> DisjointElements(
        (IPAddress VmAddress, SocketProtocol Protocol, ushort Port) service,
        IEnumerable<(AddressPrefix Remote, PortRange Ports)> grants)
    {
        // The remotes of one service are of the VM address's family, so their bits order them as their networks.
        var prefixes = grants
            .GroupBy(grant => grant.Remote, grant => grant.Ports)
            .OrderBy(own => own.Key.Bits)
            .ThenBy(own => own.Key.Length);
        var enclosing = new Stack<(AddressPrefix Prefix, IReadOnlyList<PortRange> Allowed)>();
        foreach (var own in prefixes)
        {
            var prefix = own.Key;
            while (enclosing.Count > 0 && !enclosing.Peek().Prefix.Covers(prefix))
            {
                enclosing.Pop();
            }

            var inherited = enclosing.Count == 0 ? [] : enclosing.Peek().Allowed;
            var allowed = PortSpans.Union(own.Concat(inherited));
            foreach (var span in PortSpans.Subtract(allowed, inherited))
            {
                yield return new EdgeElement(TrafficDirection.In, service.VmAddress, service.Protocol, service.Port, prefix, span);
            }

            enclosing.Push((prefix, allowed));
        }
    }
}
