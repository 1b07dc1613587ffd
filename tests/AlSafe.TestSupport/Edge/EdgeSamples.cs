using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;

namespace AlSafe.TestSupport.Edge;

/// <summary>Rule sets for the edge lab's VMs, planned from grants the way the daemon plans them.</summary>
public static class EdgeSamples
{
    /// <summary>VM "web" (192.0.2.10, fd00:a15a::10): tcp/80 from anywhere, udp/53 from the outside network's
    /// unprivileged ports, tcp/443 over IPv6 from the outside network, and one client connection from its port 40000
    /// to the outside server's tcp/8443.</summary>
    public static EdgeRuleSet Web { get; } = EdgePlanner.Plan(new GrantSet(
        Port("web", EdgeLab.Vm1, EdgeLab.Vm6),
        [
            new InboundGrant(EdgeLab.Vm1, SocketProtocol.Tcp, 80, AddressPrefix.Create(IPAddress.Any, 0), PortRange.Any),
            new InboundGrant(EdgeLab.Vm1, SocketProtocol.Udp, 53, AddressPrefix.Create(IPAddress.Parse("203.0.113.0"), 24), new PortRange(1024, 65535)),
            new InboundGrant(EdgeLab.Vm6, SocketProtocol.Tcp, 443, AddressPrefix.Create(IPAddress.Parse("2001:db8:ff::"), 48), PortRange.Any),
        ],
        [new OutboundGrant(EdgeLab.Vm1, 40000, SocketProtocol.Tcp, EdgeLab.Outside4, 8443)]));

    /// <summary>A VM with TCP services on <paramref name="ports"/> of <paramref name="address"/>, open to everyone.</summary>
    public static EdgeRuleSet Services(string vm, IPAddress address, params ushort[] ports) => EdgePlanner.Plan(new GrantSet(
        Port(vm, address),
        [.. ports.Select(port => new InboundGrant(address, SocketProtocol.Tcp, port, AddressPrefix.Create(Any(address), 0), PortRange.Any))],
        []));

    /// <summary><paramref name="count"/> services (TCP ports from <paramref name="firstPort"/> on) of one address: a
    /// rule set of exactly <paramref name="count"/> elements.</summary>
    public static EdgeRuleSet Many(string vm, IPAddress address, int count, int firstPort = 1) =>
        Services(vm, address, [.. Enumerable.Range(firstPort, count).Select(port => (ushort)port)]);

    public static VmPort Port(string name, params IPAddress[] addresses) =>
        new(name, 1, MacAddress.Parse("52:54:00:00:00:01"), addresses, 1, RuleCookie.ForVm(name));

    private static IPAddress Any(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
}
