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
        var services = grants.Inbound
            .GroupBy(grant => (grant.VmAddress, grant.Protocol, grant.Port))
            .SelectMany(service => DisjointElements(service.Key, [.. service.Select(grant => (grant.Remote, grant.RemotePort))]));
        var outbound = grants.Outbound.Select(grant => new EdgeElement(
            TrafficDirection.Out,
            grant.VmAddress,
            grant.Protocol,
            grant.LocalPort,
            AddressPrefix.Host(grant.RemoteAddress),
            PortRange.Single(grant.RemotePort)));
        return new EdgeRuleSet(grants.Vm.Name, services.Concat(outbound));
    }

    // Remote prefixes are nested or disjoint. The ports allowed from an address are those of every grant whose prefix
    // holds it, so each prefix gets the ports its own chain of enclosing prefixes allows minus those its nearest
    // enclosing prefix already has: elements of nested prefixes then never share a port, and their union is exact.
    private static IEnumerable<EdgeElement> DisjointElements(
        (IPAddress VmAddress, SocketProtocol Protocol, ushort Port) service,
        IReadOnlyList<(AddressPrefix Remote, PortRange Ports)> grants)
    {
        IReadOnlyList<PortRange> Allowed(AddressPrefix prefix) =>
            PortSpans.Union(grants.Where(grant => grant.Remote.Covers(prefix)).Select(grant => grant.Ports));

        var prefixes = grants.Select(grant => grant.Remote).Distinct().ToList();
        foreach (var prefix in prefixes)
        {
            var enclosing = prefixes.Where(other => other != prefix && other.Covers(prefix)).ToList();
            IReadOnlyList<PortRange> inherited = enclosing.Count == 0 ? [] : Allowed(enclosing.MaxBy(other => other.Length));
            foreach (var ports in PortSpans.Subtract(Allowed(prefix), inherited))
            {
                yield return new EdgeElement(TrafficDirection.In, service.VmAddress, service.Protocol, service.Port, prefix, ports);
            }
        }
    }
}
