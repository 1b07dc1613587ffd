using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;

namespace AlSafe.Tests.Rules;

/// <summary>A hand-written dual-stack VM with a public web server, a DNS server for one network, and two clients.</summary>
internal static class SampleGrants
{
    public static readonly IPAddress V4 = IPAddress.Parse("192.0.2.10");
    public static readonly IPAddress V6 = IPAddress.Parse("2001:db8::10");

    public static VmPort Vm { get; } = new("web1", 5, MacAddress.Parse("52:54:00:12:34:56"), [V4, V6], 7, 0xa15a_0000_0000_1234);

    public static GrantSet Web { get; } = new(
        Vm,
        [
            new InboundGrant(V4, SocketProtocol.Tcp, 80, AddressPrefix.Create(IPAddress.Any, 0), PortRange.Any),
            new InboundGrant(V4, SocketProtocol.Udp, 53, AddressPrefix.Create(IPAddress.Parse("10.0.0.0"), 8), new PortRange(1024, 65535)),
            new InboundGrant(V6, SocketProtocol.Tcp, 443, AddressPrefix.Create(IPAddress.Parse("2001:db8:1::"), 48), PortRange.Any),
        ],
        [
            new OutboundGrant(V4, 40000, SocketProtocol.Tcp, IPAddress.Parse("198.51.100.7"), 443),
            new OutboundGrant(V6, 40001, SocketProtocol.Udp, IPAddress.Parse("2001:db8::53"), 53),
        ]);
}
