using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Core.Introspection.Model.SocketProtocol;
using static AlSafe.Core.Whitelist.TrafficDirection;
using static AlSafe.Tests.Decisions.Guest;
using static AlSafe.Tests.Decisions.Lines;

namespace AlSafe.Tests.Decisions;

public sealed class GrantBuilderTests
{
    private static readonly VmPort Web1 = new(
        "web1",
        OfPort: 5,
        MacAddress.Parse("52:54:00:00:00:05"),
        [IPAddress.Parse("10.0.0.6"), IPAddress.Parse("2001:db8::5"), IPAddress.Parse("10.0.0.5")],
        Zone: 5,
        Cookie: 0x5);

    [Test]
    public void AWildcardListenerIsOpenedOnEveryVmAddressOfItsFamily()
    {
        var grants = Build([Line(1, "nginx", Tcp, In, "80")], Nginx(Listener("0.0.0.0", 80)));

        Assert.That(
            grants.Inbound,
            Is.EqualTo(new[]
            {
                new InboundGrant(IPAddress.Parse("10.0.0.5"), Tcp, 80, Prefix("0.0.0.0/0"), PortRange.Any),
                new InboundGrant(IPAddress.Parse("10.0.0.6"), Tcp, 80, Prefix("0.0.0.0/0"), PortRange.Any),
            }));
        Assert.That(grants.Outbound, Is.Empty);
    }

    [Test]
    public void AnIPv6WildcardListenerIsOpenedOnIPv6AddressesOnly()
    {
        var grants = Build([Line(1, "nginx", Tcp, In, "443")], Nginx(Listener("::", 443)));

        Assert.That(grants.Inbound, Is.EqualTo(new[] { new InboundGrant(IPAddress.Parse("2001:db8::5"), Tcp, 443, Prefix("::/0"), PortRange.Any) }));
    }

    [Test]
    public void AnIPv6OnlyWildcardListenerIsOpenedOnIPv6AddressesOnly()
    {
        var grants = Build([Line(1, "nginx", Tcp, In, "443")], Nginx(Listener("::", 443) with { V6Only = true }));

        Assert.That(grants.Inbound, Is.EqualTo(new[] { new InboundGrant(IPAddress.Parse("2001:db8::5"), Tcp, 443, Prefix("::/0"), PortRange.Any) }));
    }

    [Test]
    public void ADualStackWildcardListenerIsOpenedOnEveryVmAddress()
    {
        var grants = Build([Line(1, "httpd", Tcp, In, "80")], Process(8, "httpd", "/bin/busybox", Listener("::", 80) with { V6Only = false }));

        Assert.That(
            grants.Inbound,
            Is.EqualTo(new[]
            {
                new InboundGrant(IPAddress.Parse("10.0.0.5"), Tcp, 80, Prefix("0.0.0.0/0"), PortRange.Any),
                new InboundGrant(IPAddress.Parse("10.0.0.6"), Tcp, 80, Prefix("0.0.0.0/0"), PortRange.Any),
                new InboundGrant(IPAddress.Parse("2001:db8::5"), Tcp, 80, Prefix("::/0"), PortRange.Any),
            }));
    }

    [Test]
    public void ADualStackListenerOpensEachLinesRemoteOnTheAddressesOfItsFamily()
    {
        var grants = Build(
            [Line(1, "dnsmasq", Udp, In, "53", "192.0.2.0/24"), Line(2, "dnsmasq", Udp, In, "53", "2001:db8:1::/48", "1024-65535")],
            Process(9, "dnsmasq", "/usr/sbin/dnsmasq", UdpSocket("::", 53, "::", 0, SocketState.Close) with { V6Only = false }));

        Assert.That(
            grants.Inbound.Select(g => $"{g.VmAddress} {g.Protocol} {g.Port} {g.Remote} {g.RemotePort}"),
            Is.EqualTo(new[]
            {
                "10.0.0.5 Udp 53 192.0.2.0/24 *",
                "10.0.0.6 Udp 53 192.0.2.0/24 *",
                "2001:db8::5 Udp 53 2001:db8:1::/48 1024-65535",
            }));
    }

    [Test]
    public void AListenerOnOneIPv6AddressOpensOnlyThatAddress()
    {
        var grants = Build([Line(1, "nginx", Tcp, In, "80")], Nginx(Listener("2001:db8::5", 80) with { V6Only = false }));

        Assert.That(grants.Inbound.Select(g => g.VmAddress), Is.EqualTo(new[] { IPAddress.Parse("2001:db8::5") }));
    }

    [Test]
    public void AListenerBoundToAnAddressIsOpenedThereOnlyIfItIsTheVms()
    {
        WhitelistEntry[] lines = [Line(1, "nginx", Tcp, In)];

        Assert.That(Build(lines, Nginx(Listener("127.0.0.1", 80))).Inbound, Is.Empty);
        Assert.That(Build(lines, Nginx(Listener("10.0.0.99", 80))).Inbound, Is.Empty);
        Assert.That(
            Build(lines, Nginx(Listener("10.0.0.6", 80))).Inbound.Select(g => g.VmAddress),
            Is.EqualTo(new[] { IPAddress.Parse("10.0.0.6") }));
    }

    [Test]
    public void EveryMatchingLinesRemoteIsOpened()
    {
        var grants = Build(
            [Line(1, "nginx", Tcp, In, "80", "10.0.0.0/8"), Line(2, "nginx", Tcp, In, "80", "192.0.2.0/24", "1024-65535")],
            Nginx(Listener("10.0.0.5", 80)));

        Assert.That(
            grants.Inbound.Select(g => (g.Remote.ToString(), g.RemotePort.ToString())),
            Is.EqualTo(new[] { ("10.0.0.0/8", "*"), ("192.0.2.0/24", "1024-65535") }));
    }

    [Test]
    public void AnAcceptedConnectionOpensNothingBeyondItsListener()
    {
        var grants = Build(
            [Line(1, "nginx", Tcp, In, "80")],
            Nginx(Listener("10.0.0.5", 80), TcpSocket("10.0.0.5", 80, "192.0.2.7", 51000, SocketState.Established)));

        Assert.That(grants.Inbound, Has.Count.EqualTo(1));
        Assert.That(grants.Outbound, Is.Empty);
    }

    [Test]
    public void AClientIsOpenedAsItsExactFiveTupleFromAVmAddressOnly()
    {
        var grants = Build(
            [Line(1, "curl", Tcp, Out), Line(2, "curl", Udp, Out)],
            Process(
                7,
                "curl",
                "/usr/bin/curl",
                TcpSocket("10.0.0.5", 40000, "192.0.2.7", 443, SocketState.Established),
                TcpSocket("127.0.0.1", 40001, "127.0.0.1", 8080, SocketState.Established),
                UdpSocket("::ffff:10.0.0.6", 41000, "::ffff:192.0.2.53", 53, SocketState.Established)));

        Assert.That(
            grants.Outbound,
            Is.EqualTo(new[]
            {
                new OutboundGrant(IPAddress.Parse("10.0.0.5"), 40000, Tcp, IPAddress.Parse("192.0.2.7"), 443),
                new OutboundGrant(IPAddress.Parse("10.0.0.6"), 41000, Udp, IPAddress.Parse("192.0.2.53"), 53),
            }));
        Assert.That(grants.Inbound, Is.Empty);
    }

    [Test]
    public void AnIPv4MappedListenerIsOpenedAsIPv4()
    {
        var grants = Build(
            [Line(1, "dnsmasq", Udp, In, "53")],
            Process(9, "dnsmasq", "/usr/sbin/dnsmasq", UdpSocket("::ffff:10.0.0.5", 53, "::", 0, SocketState.Close)));

        Assert.That(grants.Inbound, Is.EqualTo(new[] { new InboundGrant(IPAddress.Parse("10.0.0.5"), Udp, 53, Prefix("0.0.0.0/0"), PortRange.Any) }));
    }

    [Test]
    public void GrantsAreDeduplicatedAndSorted()
    {
        var shared = Listener("0.0.0.0", 443, inode: 11);

        var grants = Build(
            [Line(1, "nginx", Tcp, In), Line(2, "nginx", Udp, In)],
            Nginx(Listener("::", 80), shared, UdpSocket("0.0.0.0", 80, "0.0.0.0", 0, SocketState.Close), Listener("0.0.0.0", 80)),
            Process(101, "nginx", "/usr/sbin/nginx", shared));

        Assert.That(
            grants.Inbound.Select(g => $"{g.VmAddress} {g.Protocol} {g.Port}"),
            Is.EqualTo(new[]
            {
                "10.0.0.5 Tcp 80", "10.0.0.5 Tcp 443", "10.0.0.5 Udp 80",
                "10.0.0.6 Tcp 80", "10.0.0.6 Tcp 443", "10.0.0.6 Udp 80",
                "2001:db8::5 Tcp 80",
            }));
    }

    [Test]
    public void BlockedSocketsOpenNothing()
    {
        var grants = Build(
            [],
            Nginx(Listener("0.0.0.0", 80), TcpSocket("10.0.0.5", 40000, "192.0.2.7", 443, SocketState.Established)));

        Assert.That(grants.Inbound, Is.Empty);
        Assert.That(grants.Outbound, Is.Empty);
    }

    [Test]
    public void AVerdictWithoutGrantingLinesOpensItsOwnLine()
    {
        var line = Line(1, "nginx", Tcp, In, "80", "192.0.2.0/24");
        var listener = Listener("10.0.0.5", 80);
        var report = new VerdictReport("web1", [new Verdict(Nginx(listener), listener, In, VerdictKind.Allow, line, line.Location)], []);

        Assert.That(GrantBuilder.Build(Web1, report).Inbound.Single().Remote, Is.EqualTo(Prefix("192.0.2.0/24")));
    }

    [Test]
    public void AReportOnAnotherVmIsRefused() =>
        Assert.That(() => GrantBuilder.Build(Web1, new VerdictReport("db1", [], [])), Throws.ArgumentException);

    private static GrantSet Build(WhitelistEntry[] lines, params GuestProcess[] processes) =>
        GrantBuilder.Build(Web1, new VerdictEngine(WhitelistOf(lines), Web1.Name).Decide(Web1.Name, processes));
}
