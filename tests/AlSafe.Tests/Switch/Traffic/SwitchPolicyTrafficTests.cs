using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;
using AlSafe.TestSupport.Net;
using NUnit.Framework;
using static AlSafe.Tests.Switch.Traffic.TrafficLab;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// Real TCP and UDP through the planned flows on a real Open vSwitch: what the grants open gets through both ways,
/// and what they do not open is dropped on the way in (a timeout, never a refusal: the SYN must not reach the VM).
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class SwitchPolicyTrafficTests
{
    // Each test has its own client ports: a closed connection leaves its 5-tuple in TIME_WAIT for a minute.
    private const ushort AToPeer = 40000;
    private const ushort AToPeerUngranted = 40001;
    private const ushort AToPeerResolving = 40002;
    private const ushort AToPeerV6 = 40010;
    private const ushort AToPeerV6Ungranted = 40011;
    private const ushort AToPeerV6Resolving = 40012;
    private const ushort ASpoofed = 40020;
    private const ushort AToPeerWatched = 40030;
    private const ushort AToBBoth = 41001;
    private const ushort AToBOutboundOnly = 41002;
    private const ushort AToBInboundOnly = 41003;
    private const ushort AToBResolving = 41004;
    private const ushort ADatagrams = 5353;
    private const ushort DhcpClient = 68;
    private const ushort DhcpServer = 67;
    private const ushort Dhcpv6Client = 546;
    private const ushort Dhcpv6Server = 547;

    private static readonly IPAddress PartnerV4 = IPAddress.Parse("198.51.100.7");
    private static readonly IPAddress NotAV4 = IPAddress.Parse("192.0.2.66");
    private static readonly IPAddress NotAV6 = IPAddress.Parse("fd00:a15a::66");
    private static readonly IPAddress UnownedV4 = IPAddress.Parse("192.0.2.77");
    private static readonly IPAddress UnownedV6 = IPAddress.Parse("fd00:a15a::77");
    private static readonly MacAddress ForeignMac = MacAddress.Parse("02:a1:5a:00:00:ee");

    private TrafficLab _lab = null!;

    private static IEnumerable<OutboundGrant> AOutbound =>
    [
        Tcp(AV4, AToPeer, PeerV4, PeerService),
        Tcp(AV4, AToPeerResolving, PeerV4, PeerService),
        Tcp(AV6, AToPeerV6, PeerV6, PeerService),
        Tcp(AV6, AToPeerV6Resolving, PeerV6, PeerService),
        Tcp(AV4, ASpoofed, PeerV4, PeerService),
        Tcp(AV4, AToPeerWatched, PeerV4, PeerService),
        Udp(AV4, ADatagrams, PeerV4, PeerSink),
        Udp(AV6, ADatagrams, PeerV6, PeerSink),
        Tcp(AV4, AToBBoth, BV4, BService),
        Tcp(AV4, AToBOutboundOnly, BV4, BUnopened),
        Tcp(AV4, AToBResolving, BV4, BService),
    ];

    [OneTimeSetUp]
    public async Task StartLab()
    {
        using var deadline = new CancellationTokenSource(TrafficLab.SetUpTimeout);
        _lab = await TrafficLab.StartAsync(deadline.Token);
    }

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_lab is not null)
            await _lab.DisposeAsync();
    }

    [SetUp]
    public async Task InstallPlans()
    {
        using var deadline = new CancellationTokenSource(TrafficLab.SetUpTimeout);
        var cancellationToken = deadline.Token;
        await _lab.Network.PinAllNeighboursAsync(cancellationToken);
        await _lab.ApplyAsync(VmA, AInbound(), AOutbound, cancellationToken);
        await _lab.ApplyAsync(VmB, [Inbound(BV4, BService)], [], cancellationToken);
    }

    [Test]
    public async Task Granted_services_answer_the_peer_over_IPv4_and_IPv6(CancellationToken cancellationToken)
    {
        var probes = await Task.WhenAll(
            _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken),
            _lab.Peer.TcpProbeAsync(AV6, WebPort, cancellationToken),
            _lab.Peer.UdpProbeAsync(AV4, DnsPort, cancellationToken),
            _lab.Peer.UdpProbeAsync(AV6, DnsPort, cancellationToken));

        await AssertOutcomesAsync(probes, ProbeOutcome.Echoed);
    }

    [Test]
    public async Task A_port_without_a_grant_drops_the_SYN(CancellationToken cancellationToken)
    {
        // A listens on the port, so a SYN that got through would be answered, and a refusal would mean it arrived.
        var local = await _lab.A.TcpProbeAsync(IPAddress.Loopback, ClosedPort, cancellationToken);
        var probes = await Task.WhenAll(
            _lab.Peer.TcpProbeAsync(AV4, ClosedPort, cancellationToken),
            _lab.Peer.TcpProbeAsync(AV6, ClosedPort, cancellationToken));

        Assert.That(local.Outcome, Is.EqualTo(ProbeOutcome.Echoed), local.ToString());
        await AssertOutcomesAsync(probes, ProbeOutcome.TimedOut);
    }

    [Test]
    public async Task A_service_for_one_network_drops_everyone_else(CancellationToken cancellationToken)
    {
        // The peer also speaks for the partner network; A routes that network straight back to the peer.
        await _lab.Peer.AddAddressAsync(PartnerV4, 32, cancellationToken);
        await _lab.A.AddOnLinkRouteAsync(Partners.ToString(), cancellationToken);
        await _lab.A.PinNeighbourAsync(PartnerV4, PeerMac, cancellationToken);
        try
        {
            var fromPeer = await _lab.Peer.TcpProbeAsync(AV4, RestrictedPort, cancellationToken);
            var fromPartner = await _lab.Peer.TcpProbeAsync(AV4, RestrictedPort, cancellationToken, bind: PartnerV4);

            await AssertOutcomesAsync([fromPeer], ProbeOutcome.TimedOut);
            await AssertOutcomesAsync([fromPartner], ProbeOutcome.Echoed);
        }
        finally
        {
            await _lab.Peer.RemoveAddressAsync(PartnerV4, 32, cancellationToken);
        }
    }

    [Test]
    public async Task An_outbound_grant_opens_exactly_its_five_tuple(CancellationToken cancellationToken)
    {
        var granted = await Task.WhenAll(
            _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AToPeer),
            _lab.A.TcpProbeAsync(PeerV6, PeerService, cancellationToken, sourcePort: AToPeerV6));
        // Another local port, or the granted local port towards another remote port (where nothing listens: a SYN
        // that got out would be refused, not time out).
        var others = await Task.WhenAll(
            _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AToPeerUngranted),
            _lab.A.TcpProbeAsync(PeerV6, PeerService, cancellationToken, sourcePort: AToPeerV6Ungranted),
            _lab.A.TcpProbeAsync(PeerV4, PeerService + 1, cancellationToken, sourcePort: AToPeer));

        await AssertOutcomesAsync(granted, ProbeOutcome.Echoed);
        await AssertOutcomesAsync(others, ProbeOutcome.TimedOut);
    }

    [Test]
    public async Task Datagrams_from_an_address_or_MAC_that_is_not_As_are_dropped(CancellationToken cancellationToken)
    {
        await using var sink = await _lab.Peer.StartUdpSinkAsync(PeerSink, cancellationToken);
        await _lab.A.AddAddressAsync(NotAV4, 32, cancellationToken);
        await _lab.A.AddAddressAsync(NotAV6, 128, cancellationToken);
        var spoofed = new List<string>();
        try
        {
            // The same socket as the granted one but for the source address: only the address can stop it.
            spoofed.Add(await SendAsync(NotAV4, PeerV4));
            spoofed.Add(await SendAsync(NotAV6, PeerV6));
            var tcp = await _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, bind: NotAV4, sourcePort: ASpoofed);
            await _lab.A.SetInterfaceMacAsync(ForeignMac, cancellationToken);
            try
            {
                spoofed.Add(await SendAsync(AV4, PeerV4));
            }
            finally
            {
                await _lab.A.SetInterfaceMacAsync(VmA.Mac, cancellationToken);
            }

            // The granted datagrams, sent last: once they are in, anything sent before them had its chance.
            var genuine = new[] { await SendAsync(AV4, PeerV4), await SendAsync(AV6, PeerV6) };
            await WaitForAsync(() => genuine.All(sink.Output.Contains), cancellationToken);
            await Task.Delay(200, cancellationToken);

            Assert.That(genuine.Where(token => !sink.Output.Contains(token, StringComparison.Ordinal)), Is.Empty, "datagrams from A's own addresses");
            Assert.That(tcp.Outcome, Is.EqualTo(ProbeOutcome.TimedOut), tcp.ToString());
            Assert.That(spoofed.Where(sink.Output.Contains), Is.Empty, $"received:\n{sink.Output}");
        }
        finally
        {
            await _lab.A.RemoveAddressAsync(NotAV4, 32, cancellationToken);
            await _lab.A.RemoveAddressAsync(NotAV6, 128, cancellationToken);
        }

        async Task<string> SendAsync(IPAddress from, IPAddress to)
        {
            var token = $"{from}-{Guid.NewGuid():n}";
            await _lab.A.SendUdpAsync(to, PeerSink, token, cancellationToken, bind: from, sourcePort: ADatagrams);
            return token;
        }
    }

    [Test]
    public async Task DHCP_client_datagrams_from_an_address_that_is_not_As_are_dropped(CancellationToken cancellationToken)
    {
        // DHCP client messages pass without conntrack; the source address must still be A's (or unspecified, before A
        // has one), or A could send anything to a server's port from any address.
        await using var server = await _lab.Peer.StartUdpSinkAsync(DhcpServer, cancellationToken);
        await using var serverV6 = await _lab.Peer.StartUdpSinkAsync(Dhcpv6Server, cancellationToken);
        await _lab.A.AddAddressAsync(NotAV4, 32, cancellationToken);
        await _lab.A.AddAddressAsync(NotAV6, 128, cancellationToken);
        try
        {
            var spoofed = new[]
            {
                await SendAsync(NotAV4, PeerV4, DhcpClient, DhcpServer),
                await SendAsync(NotAV6, PeerV6, Dhcpv6Client, Dhcpv6Server),
            };
            var genuine = new[]
            {
                await SendAsync(AV4, PeerV4, DhcpClient, DhcpServer),
                await SendAsync(AV6, PeerV6, Dhcpv6Client, Dhcpv6Server),
            };
            var received = () => server.Output + serverV6.Output;
            await WaitForAsync(() => genuine.All(received().Contains), cancellationToken);
            await Task.Delay(200, cancellationToken);

            Assert.That(genuine.Where(token => !received().Contains(token, StringComparison.Ordinal)), Is.Empty, "DHCP from A's own addresses");
            Assert.That(spoofed.Where(received().Contains), Is.Empty, $"received:\n{received()}");
        }
        finally
        {
            await _lab.A.RemoveAddressAsync(NotAV4, 32, cancellationToken);
            await _lab.A.RemoveAddressAsync(NotAV6, 128, cancellationToken);
        }

        async Task<string> SendAsync(IPAddress from, IPAddress to, ushort sourcePort, ushort port)
        {
            var token = $"{from}-{Guid.NewGuid():n}";
            await _lab.A.SendUdpAsync(to, port, token, cancellationToken, bind: from, sourcePort: sourcePort);
            return token;
        }
    }

    [Test]
    public async Task Between_two_protected_VMs_both_plans_must_allow_the_connection(CancellationToken cancellationToken)
    {
        var probes = await Task.WhenAll(
            _lab.A.TcpProbeAsync(BV4, BService, cancellationToken, sourcePort: AToBBoth),
            _lab.A.TcpProbeAsync(BV4, BUnopened, cancellationToken, sourcePort: AToBOutboundOnly),
            _lab.A.TcpProbeAsync(BV4, BService, cancellationToken, sourcePort: AToBInboundOnly));

        Assert.Multiple(() =>
        {
            Assert.That(probes[0].Outcome, Is.EqualTo(ProbeOutcome.Echoed), "A's outbound grant and B's inbound grant: " + probes[0]);
            Assert.That(probes[1].Outcome, Is.EqualTo(ProbeOutcome.TimedOut), "A's outbound grant only: " + probes[1]);
            Assert.That(probes[2].Outcome, Is.EqualTo(ProbeOutcome.TimedOut), "B's inbound grant only: " + probes[2]);
        });
    }

    [Test]
    public async Task Traffic_between_A_and_the_peer_never_reaches_Bs_port(CancellationToken cancellationToken)
    {
        // With pinned neighbours the peer never broadcasts, so once its MAC has aged out of the switch's table the switch
        // does not learn it again; frames to it must still not be handed to B, whose ingress plan never judged them.
        await _lab.Network.ForgetLearntMacsAsync(cancellationToken);
        await using var sniffer = await _lab.B.StartSnifferAsync(cancellationToken);
        var probes = await Task.WhenAll(
            _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken),
            _lab.Peer.TcpProbeAsync(AV6, WebPort, cancellationToken),
            _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AToPeerWatched));
        // B's own connection, last: once its token is in the capture, the sniffer has been reading all along.
        var own = await _lab.Peer.TcpProbeAsync(BV4, BService, cancellationToken);
        await WaitForAsync(() => sniffer.Output.Contains(own.Token, StringComparison.Ordinal), cancellationToken);

        await AssertOutcomesAsync([.. probes, own], ProbeOutcome.Echoed);
        Assert.That(sniffer.Output, Does.Contain(own.Token), "the sniffer sees B's own traffic");
        Assert.That(probes.Where(probe => sniffer.Output.Contains(probe.Token, StringComparison.Ordinal)), Is.Empty,
            "connections between A and the peer whose packets reached B's port");
    }

    [Test]
    public async Task ARP_and_neighbour_discovery_resolve_the_VMs_own_addresses(CancellationToken cancellationToken)
    {
        foreach (var host in new[] { _lab.A, _lab.B, _lab.Peer })
            await host.ForgetNeighboursAsync(cancellationToken);

        var probes = new[]
        {
            await _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken),
            await _lab.Peer.TcpProbeAsync(AV6, WebPort, cancellationToken),
            await _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AToPeerResolving),
            await _lab.A.TcpProbeAsync(PeerV6, PeerService, cancellationToken, sourcePort: AToPeerV6Resolving),
            await _lab.A.TcpProbeAsync(BV4, BService, cancellationToken, sourcePort: AToBResolving),
        };

        await AssertOutcomesAsync(probes, ProbeOutcome.Echoed);
        var learnt = new (string Table, string Entry, MacAddress Mac)[]
        {
            ("peer", await _lab.Peer.NeighbourAsync(AV4, cancellationToken), VmA.Mac),
            ("peer", await _lab.Peer.NeighbourAsync(AV6, cancellationToken), VmA.Mac),
            ("A", await _lab.A.NeighbourAsync(PeerV4, cancellationToken), PeerMac),
            ("A", await _lab.A.NeighbourAsync(PeerV6, cancellationToken), PeerMac),
            ("A", await _lab.A.NeighbourAsync(BV4, cancellationToken), VmB.Mac),
        };
        Assert.Multiple(() =>
        {
            foreach (var (table, entry, mac) in learnt)
                Assert.That(entry, Does.Contain("lladdr " + mac).And.Not.Contain("PERMANENT"), $"{table}'s neighbour table");
        });
    }

    [Test]
    public async Task A_cannot_answer_ARP_or_neighbour_discovery_for_an_address_it_does_not_own(CancellationToken cancellationToken)
    {
        // A's kernel answers for every address on its interface; the switch must drop the answers for these two.
        await _lab.A.AddAddressAsync(UnownedV4, 32, cancellationToken);
        await _lab.A.AddAddressAsync(UnownedV6, 128, cancellationToken);
        await _lab.Peer.ForgetNeighboursAsync(cancellationToken);
        try
        {
            var probes = await Task.WhenAll(
                _lab.Peer.TcpProbeAsync(UnownedV4, WebPort, cancellationToken),
                _lab.Peer.TcpProbeAsync(UnownedV6, WebPort, cancellationToken),
                _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken));
            var entries = new[]
            {
                await _lab.Peer.NeighbourAsync(UnownedV4, cancellationToken),
                await _lab.Peer.NeighbourAsync(UnownedV6, cancellationToken),
            };

            Assert.That(probes[2].Outcome, Is.EqualTo(ProbeOutcome.Echoed), "A's own address still resolves: " + probes[2]);
            Assert.That(probes[..2].Select(p => p.Outcome), Has.None.EqualTo(ProbeOutcome.Echoed), string.Join("\n", probes));
            Assert.That(entries, Has.None.Contains(VmA.Mac.ToString()), "peer's neighbour table");
        }
        finally
        {
            await _lab.A.RemoveAddressAsync(UnownedV4, 32, cancellationToken);
            await _lab.A.RemoveAddressAsync(UnownedV6, 128, cancellationToken);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100 && !condition(); attempt++)
            await Task.Delay(50, cancellationToken);
    }

    private async Task AssertOutcomesAsync(IReadOnlyList<ProbeResult> probes, ProbeOutcome expected)
    {
        if (probes.All(probe => probe.Outcome == expected))
            return;
        Assert.Fail($"expected every probe {expected}:\n{string.Join("\n", probes)}\nflows:\n{await _lab.DumpFlowsAsync()}");
    }
}
