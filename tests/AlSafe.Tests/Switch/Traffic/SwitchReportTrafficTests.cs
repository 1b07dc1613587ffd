using System.Collections.Concurrent;
using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Switch;
using AlSafe.TestSupport.Net;
using NUnit.Framework;
using static AlSafe.Tests.Switch.Traffic.TrafficLab;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// Reports of new connections through a real Open vSwitch: the first packet of a connection no grant allows raises
/// <see cref="SwitchFirewall.NewConnectionSeen"/> with the VM, the direction and the five-tuple, and is still dropped;
/// granted traffic raises nothing; a flood is cut by the bridge's meter and leaves the switch working.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class SwitchReportTrafficTests
{
    // Each test has its own client ports: a closed connection leaves its 5-tuple in TIME_WAIT for a minute.
    private const ushort AGranted = 42000;
    private const ushort AUngranted = 42001;
    private const ushort AUngrantedDatagrams = 42002;
    private const ushort AAfterFlood = 42003;
    private const int FloodSize = 1000;

    private static readonly TimeSpan ReportWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<NewConnection> _seen = new();
    private TrafficLab _lab = null!;

    [OneTimeSetUp]
    public async Task StartLab()
    {
        using var deadline = new CancellationTokenSource(TrafficLab.SetUpTimeout);
        _lab = await TrafficLab.StartAsync(deadline.Token);
        _lab.Firewall.NewConnectionSeen += (_, connection) => _seen.Enqueue(connection);
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
        await _lab.Network.PinAllNeighboursAsync(deadline.Token);
        await _lab.ApplyAsync(VmA, AInbound(), [Tcp(AV4, AGranted, PeerV4, PeerService), Tcp(AV4, AAfterFlood, PeerV4, PeerService)], deadline.Token);
        await _lab.ApplyAsync(VmB, [Inbound(BV4, BService)], [], deadline.Token);
        _seen.Clear();
    }

    [Test]
    public async Task A_SYN_to_a_port_without_a_grant_is_reported_and_not_delivered(CancellationToken cancellationToken)
    {
        // A listens on the port: a SYN that got through would be answered.
        var probes = await Task.WhenAll(
            _lab.Peer.TcpProbeAsync(AV4, ClosedPort, cancellationToken),
            _lab.Peer.TcpProbeAsync(AV6, ClosedPort, cancellationToken));

        await AssertOutcomesAsync(probes, ProbeOutcome.TimedOut);
        var v4 = await ReportAsync(seen => seen.Destination.Equals(AV4) && seen.DestinationPort == ClosedPort, cancellationToken);
        var v6 = await ReportAsync(seen => seen.Destination.Equals(AV6) && seen.DestinationPort == ClosedPort, cancellationToken);
        Assert.That((v4.VmCookie, v4.Direction, v4.Protocol, v4.Source), Is.EqualTo((VmA.Cookie, TrafficDirection.In, SocketProtocol.Tcp, PeerV4)));
        Assert.That((v6.VmCookie, v6.Direction, v6.Protocol, v6.Source), Is.EqualTo((VmA.Cookie, TrafficDirection.In, SocketProtocol.Tcp, PeerV6)));
    }

    [Test]
    public async Task A_new_outbound_connection_without_a_grant_is_reported_with_its_five_tuple(CancellationToken cancellationToken)
    {
        var probe = await _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AUngranted);
        await _lab.A.SendUdpAsync(PeerV6, PeerSink, "unreported?", cancellationToken, sourcePort: AUngrantedDatagrams);

        await AssertOutcomesAsync([probe], ProbeOutcome.TimedOut);
        var tcp = await ReportAsync(seen => seen.SourcePort == AUngranted, cancellationToken);
        var udp = await ReportAsync(seen => seen.SourcePort == AUngrantedDatagrams, cancellationToken);
        Assert.That(tcp, Is.EqualTo(new NewConnection(VmA.Cookie, TrafficDirection.Out, SocketProtocol.Tcp, AV4, AUngranted, PeerV4, PeerService)));
        Assert.That(udp, Is.EqualTo(new NewConnection(VmA.Cookie, TrafficDirection.Out, SocketProtocol.Udp, AV6, AUngrantedDatagrams, PeerV6, PeerSink)));
    }

    [Test]
    public async Task Traffic_of_granted_connections_raises_nothing(CancellationToken cancellationToken)
    {
        var granted = await Task.WhenAll(
            _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken),
            _lab.Peer.UdpProbeAsync(AV6, DnsPort, cancellationToken),
            _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AGranted),
            _lab.Peer.TcpProbeAsync(BV4, BService, cancellationToken));
        // Reports arrive in order: once a later one is in, any report of the granted traffic would be too.
        var marker = await _lab.Peer.TcpProbeAsync(BV4, BUnopened, cancellationToken);

        await AssertOutcomesAsync(granted, ProbeOutcome.Echoed);
        await AssertOutcomesAsync([marker], ProbeOutcome.TimedOut);
        await ReportAsync(seen => seen.VmCookie == VmB.Cookie && seen.DestinationPort == BUnopened, cancellationToken);
        Assert.That(_seen.Where(seen => seen.DestinationPort != BUnopened), Is.Empty);
    }

    [Test]
    public async Task A_flood_of_SYNs_is_cut_by_the_meter_and_the_switch_keeps_working(CancellationToken cancellationToken)
    {
        var resynchronizations = _lab.Firewall.Resynchronizations;

        SynFlood.Send(_lab.Peer.Namespace, AV4, ClosedPort, FloodSize);

        var flood = await SettledCountAsync(seen => seen.DestinationPort == ClosedPort, cancellationToken);
        var meter = await _lab.Ovs.OfctlAsync("meter-stats");
        TestContext.Out.WriteLine($"{flood} of {FloodSize} SYNs reported; {meter}");
        Assert.That(flood, Is.GreaterThan(0).And.LessThan(FloodSize), $"reports of the flood; meter:\n{meter}");
        Assert.That(DroppedByBand(meter), Is.GreaterThan(0), meter);

        // Granted traffic still passes, and a new connection is still reported (its retransmission at the latest,
        // once the meter has refilled).
        _seen.Clear();
        var probes = await Task.WhenAll(
            _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken),
            _lab.A.TcpProbeAsync(PeerV4, PeerService, cancellationToken, sourcePort: AAfterFlood),
            _lab.Peer.TcpProbeAsync(AV6, ClosedPort, cancellationToken));
        await AssertOutcomesAsync(probes[..2], ProbeOutcome.Echoed);
        await ReportAsync(seen => seen.Destination.Equals(AV6) && seen.DestinationPort == ClosedPort, cancellationToken);
        Assert.That(_lab.Firewall.IsConnected, Is.True);
        Assert.That(_lab.Firewall.Resynchronizations, Is.EqualTo(resynchronizations), _lab.FirewallLog);
    }

    /// <summary>The first report matching <paramref name="condition"/>, waiting for it a bounded time.</summary>
    private async Task<NewConnection> ReportAsync(Func<NewConnection, bool> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReportWait;
        while (true)
        {
            if (_seen.FirstOrDefault(condition) is { } seen)
                return seen;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"no such report within {ReportWait}; reports: {string.Join("; ", _seen)}\nfirewall:\n{_lab.FirewallLog}\nflows:\n{await _lab.DumpFlowsAsync()}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>How many reports match once no more have come for a second (bounded).</summary>
    private async Task<int> SettledCountAsync(Func<NewConnection, bool> condition, CancellationToken cancellationToken)
    {
        var count = -1;
        for (var round = 0; round < 20; round++)
        {
            var now = _seen.Count(condition);
            if (now == count)
                return count;
            count = now;
            await Task.Delay(1000, cancellationToken);
        }

        return count;
    }

    /// <summary>The packets the meter's drop band dropped, from <c>ovs-ofctl meter-stats</c>.</summary>
    private static long DroppedByBand(string meterStats)
    {
        var bands = meterStats[(meterStats.IndexOf($"meter:{FlowPlanner.ReportMeter} ", StringComparison.Ordinal) + 1)..];
        var at = bands.IndexOf("0: packet_count:", StringComparison.Ordinal);
        return at < 0 ? 0 : long.Parse(bands[(at + "0: packet_count:".Length)..].Split(' ', '\n')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task AssertOutcomesAsync(IReadOnlyList<ProbeResult> probes, ProbeOutcome expected)
    {
        if (probes.All(probe => probe.Outcome == expected))
            return;
        Assert.Fail($"expected every probe {expected}:\n{string.Join("\n", probes)}\nflows:\n{await _lab.DumpFlowsAsync()}");
    }
}
