using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Tests.Rules;

namespace AlSafe.Tests.Switch;

/// <summary>VMs and grant sets whose plans cover every kind of flow the planner makes: both families, port ranges as
/// masked ports, several remotes for one service, outbound five-tuples, and a VM with no grants at all.</summary>
internal static class SwitchPlans
{
    /// <summary>IPv6 only: SSH from two networks, a UDP service from a remote port range, one client connection.</summary>
    public static GrantSet Ipv6Ranges { get; } = Grants(
        Vm("db6", 7, 21, "52:54:00:00:00:07", "2001:db8:7::5", "fe80::5054:ff:fe00:7"),
        [
            new InboundGrant(IPAddress.Parse("2001:db8:7::5"), SocketProtocol.Tcp, 22, Prefix("2001:db8:1::", 48), PortRange.Any),
            new InboundGrant(IPAddress.Parse("2001:db8:7::5"), SocketProtocol.Tcp, 22, Prefix("fd00::", 8), PortRange.Any),
            new InboundGrant(IPAddress.Parse("2001:db8:7::5"), SocketProtocol.Udp, 5000, Prefix("2001:db8::", 32), new PortRange(1000, 2000)),
        ],
        [new OutboundGrant(IPAddress.Parse("2001:db8:7::5"), 50000, SocketProtocol.Tcp, IPAddress.Parse("2001:db8:99::1"), 5432)]);

    /// <summary>IPv4 with two addresses: one service open to several remotes and remote port ranges.</summary>
    public static GrantSet MultipleRemotes { get; } = Grants(
        Vm("app4", 9, 33, "52:54:00:00:00:09", "10.9.0.5", "10.9.1.5"),
        [
            new InboundGrant(IPAddress.Parse("10.9.0.5"), SocketProtocol.Tcp, 8080, Prefix("10.0.0.0", 8), new PortRange(1024, 65535)),
            new InboundGrant(IPAddress.Parse("10.9.0.5"), SocketProtocol.Tcp, 8080, Prefix("192.168.4.0", 22), PortRange.Single(443)),
            new InboundGrant(IPAddress.Parse("10.9.1.5"), SocketProtocol.Udp, 123, Prefix("0.0.0.0", 0), PortRange.Single(123)),
        ],
        [
            new OutboundGrant(IPAddress.Parse("10.9.0.5"), 41000, SocketProtocol.Udp, IPAddress.Parse("10.9.255.53"), 53),
            new OutboundGrant(IPAddress.Parse("10.9.1.5"), 41001, SocketProtocol.Tcp, IPAddress.Parse("203.0.113.80"), 80),
        ]);

    /// <summary>A dual-stack VM that is known but not introspected yet: only its own address configuration passes.</summary>
    public static GrantSet DefaultDeny { get; } = Grants(Vm("fresh", 11, 44, "52:54:00:00:00:0b", "10.11.0.5", "2001:db8:11::5"), [], []);

    /// <summary>The base plan and one plan per sample VM.</summary>
    public static IReadOnlyList<FlowPlan> All { get; } =
    [
        FlowPlanner.BasePlan(),
        FlowPlanner.Plan(SampleGrants.Web),
        FlowPlanner.Plan(Ipv6Ranges),
        FlowPlanner.Plan(MultipleRemotes),
        FlowPlanner.Plan(DefaultDeny),
    ];

    public static VmPort Vm(string name, uint ofPort, ushort zone, string mac, params string[] addresses) =>
        new(name, ofPort, MacAddress.Parse(mac), [.. addresses.Select(IPAddress.Parse)], zone, RuleCookie.ForVm(name));

    public static GrantSet Grants(VmPort vm, IReadOnlyList<InboundGrant> inbound, IReadOnlyList<OutboundGrant> outbound) => new(vm, inbound, outbound);

    /// <summary><paramref name="grants"/> with one more inbound TCP service on <paramref name="port"/>, from anywhere
    /// of its first address's family: one more ingress flow.</summary>
    public static GrantSet WithService(GrantSet grants, ushort port)
    {
        var address = grants.Vm.Addresses[0];
        var anywhere = AddressPrefix.Create(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        return grants with { Inbound = [.. grants.Inbound, new InboundGrant(address, SocketProtocol.Tcp, port, anywhere, PortRange.Any)] };
    }

    private static AddressPrefix Prefix(string network, int length) => AddressPrefix.Create(IPAddress.Parse(network), length);
}
