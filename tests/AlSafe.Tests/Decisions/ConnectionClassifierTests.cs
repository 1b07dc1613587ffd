using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Tests.Decisions.Guest;

namespace AlSafe.Tests.Decisions;

public sealed class ConnectionClassifierTests
{
    private static readonly SocketState[] ConnectedStates =
    [
        SocketState.Established, SocketState.SynSent, SocketState.SynRecv, SocketState.FinWait1, SocketState.FinWait2,
        SocketState.CloseWait, SocketState.Closing, SocketState.LastAck,
    ];

    [Test]
    public void ATcpListenerServes()
    {
        var listener = Classify(Nginx(Listener("0.0.0.0", 80)))[0];

        Assert.That(listener.Role, Is.EqualTo(SocketRole.Server));
        Assert.That(listener.Direction, Is.EqualTo(TrafficDirection.In));
    }

    [Test]
    public void AConnectionOnAWildcardListenersPortIsItsAcceptedChild()
    {
        var classes = Classify(Nginx(
            Listener("0.0.0.0", 80),
            TcpSocket("10.0.0.5", 80, "192.0.2.7", 51000, SocketState.Established)));

        Assert.That(classes[1].Role, Is.EqualTo(SocketRole.Accepted));
        Assert.That(classes[1].Direction, Is.EqualTo(TrafficDirection.In));
    }

    [Test]
    public void AChildMustShareTheAddressOfAListenerBoundToOne()
    {
        var classes = Classify(Nginx(
            Listener("10.0.0.5", 80),
            TcpSocket("10.0.0.5", 80, "192.0.2.7", 51000, SocketState.Established),
            TcpSocket("10.0.0.6", 80, "192.0.2.7", 51001, SocketState.Established)));

        Assert.That(classes[1].Role, Is.EqualTo(SocketRole.Accepted));
        Assert.That(classes[2].Role, Is.EqualTo(SocketRole.Client), "another address on the same port is not that listener's child");
    }

    [Test]
    public void OnlyAListenerOfTheSameProcessFamilyAndProtocolAcceptsAConnection()
    {
        var connection = TcpSocket("10.0.0.5", 80, "192.0.2.7", 51000, SocketState.Established);

        Assert.That(Classify(Process(7, "curl", "/usr/bin/curl", connection))[0].Role, Is.EqualTo(SocketRole.Client));
        Assert.That(Classify(Nginx(Listener("::", 80), connection))[1].Role, Is.EqualTo(SocketRole.Client));
        Assert.That(Classify(Nginx(UdpSocket("0.0.0.0", 80, "0.0.0.0", 0, SocketState.Close), connection))[1].Role, Is.EqualTo(SocketRole.Client));
    }

    [Test]
    public void ASynSentSocketConnectsOutEvenFromAListenersPort()
    {
        var classes = Classify(Nginx(
            Listener("0.0.0.0", 80),
            TcpSocket("10.0.0.5", 80, "192.0.2.7", 443, SocketState.SynSent)));

        Assert.That(classes[1].Role, Is.EqualTo(SocketRole.Client));
    }

    [TestCaseSource(nameof(ConnectedStates))]
    public void AConnectedTcpSocketWithoutAListenerConnectsOut(SocketState state)
    {
        var client = Classify(Process(7, "curl", "/usr/bin/curl", TcpSocket("10.0.0.5", 40000, "192.0.2.7", 443, state)))[0];

        Assert.That(client.Role, Is.EqualTo(SocketRole.Client));
        Assert.That(client.Direction, Is.EqualTo(TrafficDirection.Out));
    }

    [Test]
    public void ABoundUdpSocketServesAndAConnectedOneConnects()
    {
        var classes = Classify(Process(
            9,
            "unbound",
            "/usr/sbin/unbound",
            UdpSocket("0.0.0.0", 53, "0.0.0.0", 0, SocketState.Close),
            UdpSocket("10.0.0.5", 41000, "192.0.2.53", 53, SocketState.Established),
            UdpSocket("239.1.2.3", 5353, "0.0.0.0", 0, SocketState.Close)));

        Assert.That(classes[0].Role, Is.EqualTo(SocketRole.Server));
        Assert.That(classes[1].Role, Is.EqualTo(SocketRole.Client));
        Assert.That(classes[2].Role, Is.EqualTo(SocketRole.Server), "udp may bind a multicast group to receive it");
    }

    [TestCase(SocketProtocol.Tcp, 0, SocketState.Close, "not using the network (tcp CLOSE, unbound)")]
    [TestCase(SocketProtocol.Tcp, 8080, SocketState.Close, "not using the network (tcp CLOSE, bound but neither listening nor connected)")]
    [TestCase(SocketProtocol.Tcp, 8080, SocketState.TimeWait, "not using the network (tcp TIME_WAIT)")]
    [TestCase(SocketProtocol.Udp, 0, SocketState.Close, "not using the network (udp, unbound)")]
    public void ASocketNotUsingTheNetworkIsIdle(SocketProtocol protocol, int localPort, SocketState state, string reason)
    {
        var idle = Classify(Nginx(Socket(protocol, "0.0.0.0", localPort, "0.0.0.0", 0, state)))[0];

        Assert.That(idle.Role, Is.EqualTo(SocketRole.Idle));
        Assert.That(idle.Direction, Is.Null);
        Assert.That(idle.Reason, Is.EqualTo(reason));
    }

    [Test]
    public void AnInet6SocketCarryingIPv4IsSeenWithItsIPv4Addresses()
    {
        var classes = Classify(Nginx(
            Listener("::", 80),
            TcpSocket("::ffff:10.0.0.5", 80, "::ffff:192.0.2.7", 51000, SocketState.Established),
            TcpSocket("::ffff:10.0.0.5", 40000, "::ffff:192.0.2.8", 443, SocketState.Established),
            TcpSocket("::ffff:10.0.0.5", 8080, "::", 0, SocketState.Listen)));

        Assert.That(classes[1].Role, Is.EqualTo(SocketRole.Accepted), "a dual-stack child of the '::' listener");
        Assert.That(classes[1].Local, Is.EqualTo(IPAddress.Parse("10.0.0.5")));
        Assert.That(classes[1].Remote, Is.EqualTo(IPAddress.Parse("192.0.2.7")));
        Assert.That(classes[2].Role, Is.EqualTo(SocketRole.Client));
        Assert.That(classes[2].Remote, Is.EqualTo(IPAddress.Parse("192.0.2.8")));
        Assert.That(classes[3].Role, Is.EqualTo(SocketRole.Server));
        Assert.That(classes[3].Local, Is.EqualTo(IPAddress.Parse("10.0.0.5")));
        Assert.That(classes[3].Remote, Is.EqualTo(IPAddress.Any), "the unset '::' beside a mapped address is IPv4's unset address");
    }

    [Test]
    public void AKernelThreadsSocketsAreDiscarded()
    {
        var kthread = new GuestProcess(2, 2, 0, "kthreadd", 0, null, IsKernelThread: true, [Listener("0.0.0.0", 80)], 0);

        var socket = Classify(kthread)[0];

        Assert.That(socket.Role, Is.EqualTo(SocketRole.Implausible));
        Assert.That(socket.Reason, Does.Contain("kernel thread"));
    }

    [TestCaseSource(nameof(ImplausibleSockets))]
    public void ValuesNoKernelProducesAreImplausible(GuestSocket socket, string reason)
    {
        var classified = Classify(Nginx(socket))[0];

        Assert.That(classified.Role, Is.EqualTo(SocketRole.Implausible));
        Assert.That(classified.Direction, Is.Null);
        Assert.That(classified.Reason, Does.Contain(reason));
    }

    [Test]
    public void ASpanTooShortForTheSocketsIsRefused() =>
        Assert.That(
            () => ConnectionClassifier.Classify(Nginx(Listener("0.0.0.0", 80), Listener("0.0.0.0", 443)), new ClassifiedSocket[1]),
            Throws.ArgumentException);

    private static IEnumerable<TestCaseData> ImplausibleSockets()
    {
        TestCaseData Case(string name, GuestSocket socket, string reason) => new TestCaseData(socket, reason).SetName(name);

        var established = TcpSocket("10.0.0.5", 40000, "192.0.2.7", 443, SocketState.Established);
        yield return Case("listener on port 0", Listener("0.0.0.0", 0), "port 0");
        yield return Case("listener with a remote", TcpSocket("0.0.0.0", 80, "192.0.2.7", 0, SocketState.Listen), "remote endpoint");
        yield return Case("tcp listener on multicast", Listener("224.0.0.1", 80), "multicast or broadcast");
        yield return Case("tcp listener on broadcast", Listener("255.255.255.255", 80), "multicast or broadcast");
        yield return Case("tcp listener on ipv6 multicast", Listener("ff02::1", 80), "multicast or broadcast");
        yield return Case("connection to broadcast", established with { RemoteAddress = IPAddress.Broadcast }, "multicast or broadcast");
        yield return Case("connection to remote port 0", established with { RemotePort = 0 }, "remote address or port");
        yield return Case("connection to 0.0.0.0", established with { RemoteAddress = IPAddress.Any }, "remote address or port");
        yield return Case("connection from local port 0", established with { LocalPort = 0 }, "local port 0");
        yield return Case("connection from 0.0.0.0", established with { LocalAddress = IPAddress.Any }, "local address");
        yield return Case("udp connected to port 0", UdpSocket("10.0.0.5", 41000, "192.0.2.53", 0, SocketState.Established), "remote address or port");
        yield return Case("unconnected udp with a remote", UdpSocket("0.0.0.0", 53, "192.0.2.53", 53, SocketState.Close), "remote endpoint");
        yield return Case("udp listening", UdpSocket("0.0.0.0", 53, "0.0.0.0", 0, SocketState.Listen), "udp state LISTEN");
        yield return Case("request sock state", established with { State = SocketState.NewSynRecv }, "NEW_SYN_RECV");
        yield return Case("state out of range", established with { State = (SocketState)42 }, "STATE_42");
        yield return Case("inet with an ipv6 address", established with { RemoteAddress = IPAddress.Parse("2001:db8::1") }, "another family");
        yield return Case("inet6 with an ipv4 address", established with { Family = SocketFamily.Inet6 }, "another family");
        yield return Case(
            "mapped beside native",
            TcpSocket("::ffff:10.0.0.5", 40000, "2001:db8::7", 443, SocketState.Established),
            "IPv4-mapped");
        yield return Case(
            "scoped address",
            TcpSocket("fe80::1", 40000, "fe80::2", 443, SocketState.Established) with { LocalAddress = IPAddress.Parse("fe80::1%2") },
            "scope id");
        yield return Case(
            "ipv6-only with a mapped address",
            TcpSocket("::ffff:10.0.0.5", 40000, "::ffff:192.0.2.7", 443, SocketState.Established) with { V6Only = true },
            "IPv6-only socket (IPV6_V6ONLY) with an IPv4-mapped address");
        yield return Case(
            "ipv6-only listener on the mapped wildcard",
            TcpSocket("::ffff:0.0.0.0", 80, "::", 0, SocketState.Listen) with { V6Only = true },
            "IPv4-mapped");
        yield return Case("inode 0", established with { Inode = 0 }, "inode 0");
        yield return Case("unknown family", established with { Family = (SocketFamily)1 }, "neither inet nor inet6");
        yield return Case("unknown protocol", established with { Protocol = (SocketProtocol)132 }, "neither tcp nor udp");
    }

    private static ClassifiedSocket[] Classify(GuestProcess process)
    {
        var classes = new ClassifiedSocket[process.Sockets.Count];
        ConnectionClassifier.Classify(process, classes);
        return classes;
    }
}
