using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using FsCheck;
using FsCheck.Fluent;

namespace AlSafe.Tests.Rules;

/// <summary>
/// Random grant sets for the rule properties. Values come from small pools on purpose: services and remote prefixes
/// then collide, nest and overlap often, which is where planners go wrong.
/// </summary>
public static class RuleArbitraries
{
    public static Arbitrary<PortRange> PortRanges() => Arb.From(PortRangeGen);

    public static Arbitrary<GrantSet> GrantSets() => Arb.From(
        from vm in VmGen
        from grants in GrantsGen(vm, 8)
        select grants);

    public static Arbitrary<GrantSetChange> GrantSetChanges() => Arb.From(
        from vm in VmGen
        from pool in GrantsGen(vm, 10)
        from oldInbound in Gen.SubListOf(pool.Inbound.ToArray())
        from oldOutbound in Gen.SubListOf(pool.Outbound.ToArray())
        from newInbound in Gen.SubListOf(pool.Inbound.ToArray())
        from newOutbound in Gen.SubListOf(pool.Outbound.ToArray())
        from renamed in Gen.Elements(false, false, false, true)
        let newVm = renamed ? vm with { Name = vm.Name + "-renamed", Cookie = RuleCookie.ForVm(vm.Name + "-renamed") } : vm
        select new GrantSetChange(
            new GrantSet(vm, [.. oldInbound], [.. oldOutbound]),
            new GrantSet(newVm, [.. newInbound], [.. newOutbound])));

    private static Gen<PortRange> PortRangeGen =>
        from first in Gen.Choose(0, ushort.MaxValue)
        from last in Gen.Frequency(
            (2, Gen.Choose(first, ushort.MaxValue)),
            (2, Gen.Choose(first, Math.Min(first + 300, ushort.MaxValue))),
            (1, Gen.Constant(first)),
            (1, Gen.Constant((int)ushort.MaxValue)))
        select new PortRange((ushort)first, (ushort)last);

    private static Gen<VmPort> VmGen =>
        from name in Gen.Elements("web1", "db", "cache-7", "édge")
        from port in Gen.Choose(1, 4000)
        from macLow in Gen.Choose(0, 0xffffff)
        from zone in Gen.Choose(1, ushort.MaxValue)
        from v4Hosts in Gen.SubListOf(Enumerable.Range(1, 6))
        from v6Hosts in Gen.SubListOf(Enumerable.Range(1, 3))
        let addresses = v4Hosts.Select(host => IPAddress.Parse($"192.0.2.{host}"))
            .Concat(v6Hosts.Select(host => IPAddress.Parse($"2001:db8::{host:x}")))
            .DefaultIfEmpty(IPAddress.Parse("192.0.2.1"))
            .ToList()
        select new VmPort(name, (uint)port, new MacAddress(0x5254_0000_0000UL | (uint)macLow), addresses, (ushort)zone, RuleCookie.ForVm(name));

    private static Gen<GrantSet> GrantsGen(VmPort vm, int most) =>
        from inbound in Gen.ListOf(InboundGen(vm)).Select(list => list.Take(most).Distinct().ToList())
        from outbound in Gen.ListOf(OutboundGen(vm)).Select(list => list.Take(most).Distinct().ToList())
        select new GrantSet(vm, inbound, outbound);

    private static Gen<InboundGrant> InboundGen(VmPort vm) =>
        from address in Gen.Elements(vm.Addresses.ToArray())
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from port in Gen.Elements<ushort>(22, 53, 80, 443)
        from remote in RemoteGen(address.AddressFamily)
        from remotePort in Gen.Frequency((3, Gen.Constant(PortRange.Any)), (2, PortRangeGen))
        select new InboundGrant(address, protocol, port, remote, remotePort);

    private static Gen<OutboundGrant> OutboundGen(VmPort vm) =>
        from address in Gen.Elements(vm.Addresses.ToArray())
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from localPort in Gen.Choose(32768, 32780)
        from remote in Gen.Elements(
            address.AddressFamily == AddressFamily.InterNetwork
                ? new[] { "198.51.100.7", "198.51.100.8", "10.1.2.3" }
                : new[] { "2001:db8:1::7", "2001:db8:2::8" })
        from remotePort in Gen.Elements<ushort>(53, 443, 8080)
        select new OutboundGrant(address, (ushort)localPort, protocol, IPAddress.Parse(remote), remotePort);

    // Prefixes of a few nested networks, so that grants for one service often nest inside each other.
    private static Gen<AddressPrefix> RemoteGen(AddressFamily family) =>
        family == AddressFamily.InterNetwork
            ? Gen.Elements(
                Prefix("0.0.0.0", 0), Prefix("10.0.0.0", 8), Prefix("10.1.0.0", 16), Prefix("10.1.2.0", 24),
                Prefix("10.1.2.3", 32), Prefix("10.2.0.0", 16), Prefix("203.0.113.0", 24))
            : Gen.Elements(
                Prefix("::", 0), Prefix("2001:db8::", 32), Prefix("2001:db8:1::", 48), Prefix("2001:db8:1::7", 128),
                Prefix("2001:db8:2::", 48));

    private static AddressPrefix Prefix(string network, int length) => AddressPrefix.Create(IPAddress.Parse(network), length);
}
