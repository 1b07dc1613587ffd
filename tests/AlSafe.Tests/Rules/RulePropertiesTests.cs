using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Decisions;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace AlSafe.Tests.Rules;

/// <summary>Properties both rule generators must keep for any grant set.</summary>
public sealed class RulePropertiesTests
{
    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool TheSameGrantsInAnyOrderGiveTheSamePlansAndTheSameText(GrantSet grants, int seed)
    {
        var random = new Random(seed);
        var reordered = new GrantSet(
            grants.Vm with { Addresses = [.. grants.Vm.Addresses.OrderBy(_ => random.Next())] },
            [.. grants.Inbound.OrderBy(_ => random.Next())],
            [.. grants.Outbound.OrderBy(_ => random.Next())]);

        var flows = FlowPlanner.Plan(grants);
        var reorderedFlows = FlowPlanner.Plan(reordered);
        var edge = EdgePlanner.Plan(grants);
        var reorderedEdge = EdgePlanner.Plan(reordered);
        return flows.Equals(reorderedFlows) && OfctlFormatter.Plan(flows) == OfctlFormatter.Plan(reorderedFlows)
            && edge.Equals(reorderedEdge) && NftFormatter.Add(edge) == NftFormatter.Add(reorderedEdge);
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool EveryInboundGrantHasIngressFlowsForAllItsRemotePortsAndIsCoveredAtTheEdge(GrantSet grants)
    {
        var ingress = FlowPlanner.Plan(grants).Flows
            .Where(flow => flow.Table == FlowTable.Ingress && flow.Priority == FlowPriority.Grant)
            .Select(flow => flow.Match)
            .ToHashSet();
        var edge = EdgePlanner.Plan(grants).Elements.Where(element => element.Direction == TrafficDirection.In).ToList();

        return grants.Inbound.All(grant =>
        {
            var remotePorts = grant.RemotePort.IsAny ? [null] : PortRangeMasks.Cover(grant.RemotePort).Select(port => (MaskedPort?)port);
            var switchCovers = remotePorts.All(remotePort => ingress.Any(match =>
                match.CtZone == grants.Vm.Zone
                && match.IpDst == AddressPrefix.Host(grant.VmAddress)
                && (int?)match.IpProto == (int)grant.Protocol
                && match.TpDst == MaskedPort.Exact(grant.Port)
                && match.IpSrc == (grant.Remote.Length == 0 ? null : grant.Remote)
                && match.TpSrc == remotePort));

            // Elements of prefixes holding the grant's whole prefix must together allow all of its remote ports.
            var allowed = edge
                .Where(element => element.VmAddress.Equals(grant.VmAddress) && element.Protocol == grant.Protocol
                    && element.VmPort == grant.Port && element.Remote.Covers(grant.Remote))
                .Select(element => element.RemotePort)
                .ToList();
            var edgeCovers = Enumerable.Range(grant.RemotePort.First, grant.RemotePort.Last - grant.RemotePort.First + 1)
                .All(port => allowed.Any(range => range.Contains((ushort)port)));
            return switchCovers && edgeCovers;
        });
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool EveryOutboundGrantHasAnEgressFlowAndAnEdgeElement(GrantSet grants)
    {
        var egress = FlowPlanner.Plan(grants).Flows
            .Where(flow => flow.Table == FlowTable.Egress && flow.Priority == FlowPriority.Grant)
            .Select(flow => flow.Match)
            .ToList();
        var edge = EdgePlanner.Plan(grants).Elements.ToHashSet();

        return grants.Outbound.All(grant =>
            egress.Any(match =>
                match.InPort == grants.Vm.OfPort
                && match.IpSrc == AddressPrefix.Host(grant.VmAddress)
                && match.IpDst == AddressPrefix.Host(grant.RemoteAddress)
                && (int?)match.IpProto == (int)grant.Protocol
                && match.TpSrc == MaskedPort.Exact(grant.LocalPort)
                && match.TpDst == MaskedPort.Exact(grant.RemotePort))
            && edge.Contains(new EdgeElement(
                TrafficDirection.Out, grant.VmAddress, grant.Protocol, grant.LocalPort, AddressPrefix.Host(grant.RemoteAddress), PortRange.Single(grant.RemotePort))));
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool NothingLeavesAVmWithoutItsOwnMacAndEveryOwnAddressHasItsAntiSpoofingFlows(GrantSet grants)
    {
        var vm = grants.Vm;
        var source = FlowPlanner.Plan(grants).Flows.Where(flow => flow.Table == FlowTable.Source).ToList();
        var passing = source.Where(flow => flow.Actions.Count > 0).ToList();
        // The unspecified addresses: duplicate address detection and a DHCP client without a lease send from them.
        var ownSources = vm.Addresses.Select(AddressPrefix.Host)
            .Append(AddressPrefix.Host(IPAddress.IPv6Any)).Append(AddressPrefix.Host(IPAddress.Any)).ToHashSet();

        var allChecked = passing.All(flow =>
            flow.Match.InPort == vm.OfPort && flow.Match.EthSrc == vm.Mac
            && (flow.Match.IpSrc is not { } ipSrc || ownSources.Contains(ipSrc)));
        var perAddress = vm.Addresses.All(address =>
            passing.Any(flow => flow.Match.IpSrc == AddressPrefix.Host(address) && flow.Match.IpProto is null
                && flow.Actions.SequenceEqual([new ConntrackAction(false, vm.Zone, FlowTable.Egress)]))
            && (address.AddressFamily == AddressFamily.InterNetwork
                ? passing.Any(flow => address.Equals(flow.Match.ArpSpa) && flow.Match.ArpSha == vm.Mac)
                : passing.Any(flow => address.Equals(flow.Match.NdTarget))));
        var restDropped = source.Any(flow => flow.Actions.Count == 0 && flow.Match == new FlowMatch { InPort = vm.OfPort });
        return allChecked && perAddress && restDropped;
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool EdgeServiceElementsNeverOverlapAndAllowOnlyWhatAGrantAllows(GrantSet grants, int seed)
    {
        var random = new Random(seed);
        var elements = EdgePlanner.Plan(grants).Elements.Where(element => element.Direction == TrafficDirection.In).ToList();

        var disjoint = elements.SelectMany((a, i) => elements.Skip(i + 1).Select(b => (a, b))).All(pair =>
            !(pair.a.VmAddress.Equals(pair.b.VmAddress) && pair.a.Protocol == pair.b.Protocol && pair.a.VmPort == pair.b.VmPort
                && (pair.a.Remote.Covers(pair.b.Remote) || pair.b.Remote.Covers(pair.a.Remote))
                && pair.a.RemotePort.First <= pair.b.RemotePort.Last && pair.b.RemotePort.First <= pair.a.RemotePort.Last));

        var sound = elements.All(element =>
        {
            var samples = new[] { element.RemotePort.First, element.RemotePort.Last, (ushort)random.Next(element.RemotePort.First, element.RemotePort.Last + 1) };
            return samples.All(port => grants.Inbound.Any(grant =>
                grant.VmAddress.Equals(element.VmAddress) && grant.Protocol == element.Protocol && grant.Port == element.VmPort
                && grant.Remote.Covers(element.Remote) && grant.RemotePort.Contains(port)));
        });
        return disjoint && sound;
    }
}
