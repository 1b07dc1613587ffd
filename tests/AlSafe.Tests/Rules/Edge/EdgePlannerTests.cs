using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

public sealed class EdgePlannerTests
{
    [Test]
    public void TheSampleVmGetsExactlyTheExpectedElements() =>
        Assert.That(
            NftFormatter.Add(EdgePlanner.Plan(SampleGrants.Web)).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[]
            {
                "add element inet alsafe svc4 { 192.0.2.10 . tcp . 80 . 0.0.0.0/0 . 0-65535 }",
                "add element inet alsafe svc4 { 192.0.2.10 . udp . 53 . 10.0.0.0/8 . 1024-65535 }",
                "add element inet alsafe svc6 { 2001:db8::10 . tcp . 443 . 2001:db8:1::/48 . 0-65535 }",
                "add element inet alsafe out4 { 192.0.2.10 . tcp . 40000 . 198.51.100.7 . 443 }",
                "add element inet alsafe out6 { 2001:db8::10 . udp . 40001 . 2001:db8::53 . 53 }",
            }));

    [Test]
    public void TheSetDeclarationsAreTypedAndTheServiceSetsTakeIntervals() =>
        Assert.That(
            NftFormatter.SetDeclarations().Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[]
            {
                "add table inet alsafe",
                "add set inet alsafe svc4 { type ipv4_addr . inet_proto . inet_service . ipv4_addr . inet_service; flags interval; }",
                "add set inet alsafe svc6 { type ipv6_addr . inet_proto . inet_service . ipv6_addr . inet_service; flags interval; }",
                "add set inet alsafe out4 { type ipv4_addr . inet_proto . inet_service . ipv4_addr . inet_service; }",
                "add set inet alsafe out6 { type ipv6_addr . inet_proto . inet_service . ipv6_addr . inet_service; }",
            }));

    // The kernel refuses an element that overlaps another, even one nested inside it: nested grants become an
    // element for the wide prefix and, for the narrow one, only the ports the wide one does not already allow.
    [Test]
    public void NestedGrantsBecomeDisjointElements()
    {
        var grants = SampleGrants.Web with
        {
            Inbound =
            [
                Ssh("0.0.0.0", 0, new PortRange(1024, 65535)),
                Ssh("10.0.0.0", 8, PortRange.Any),
                Ssh("10.1.0.0", 16, new PortRange(0, 2000)),
                Ssh("203.0.113.0", 24, new PortRange(1024, 65535)),
            ],
            Outbound = [],
        };

        Assert.That(
            NftFormatter.Add(EdgePlanner.Plan(grants)).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[]
            {
                "add element inet alsafe svc4 { 192.0.2.10 . tcp . 22 . 0.0.0.0/0 . 1024-65535 }",
                "add element inet alsafe svc4 { 192.0.2.10 . tcp . 22 . 10.0.0.0/8 . 0-1023 }",
            }));
    }

    [Test]
    public void AnIpv6ServiceRendersWithIpv6Prefixes()
    {
        var grants = SampleGrants.Web with
        {
            Inbound = [new InboundGrant(SampleGrants.V6, SocketProtocol.Udp, 547, AddressPrefix.Create(IPAddress.IPv6Any, 0), new PortRange(546, 546))],
            Outbound = [],
        };

        Assert.That(
            NftFormatter.Add(EdgePlanner.Plan(grants)),
            Is.EqualTo("add element inet alsafe svc6 { 2001:db8::10 . udp . 547 . ::/0 . 546 }\n"));
    }

    private static InboundGrant Ssh(string network, int length, PortRange remotePorts) =>
        new(SampleGrants.V4, SocketProtocol.Tcp, 22, AddressPrefix.Create(IPAddress.Parse(network), length), remotePorts);
}
