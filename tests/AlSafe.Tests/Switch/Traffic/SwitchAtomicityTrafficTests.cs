using System.Diagnostics;
using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Net;
using NUnit.Framework;
using static AlSafe.Tests.Switch.Traffic.TrafficLab;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// A VM's plan replaced over and over while its service is in use, with a full resynchronisation now and then: every
/// change is one bundle, so no packet may ever meet a table without the flows that carry it, neither the packets of a
/// running connection nor the first packet of a new one.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class SwitchAtomicityTrafficTests
{
    private const int Replacements = 1000;

    // ApplyAsync sends only the difference between consecutive plans; a resynchronisation swaps every AL-SAFE flow,
    // the known-connection flows included, in one bundle.
    private const int ResynchroniseEvery = 50;
    private const int MaxConnections = 5000;
    private const ushort Unrelated = 9999;

    private TrafficLab _lab = null!;

    [OneTimeSetUp]
    public async Task StartLab()
    {
        using var deadline = new CancellationTokenSource(SetUpTimeout);
        _lab = await TrafficLab.StartAsync(deadline.Token);
    }

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_lab is not null)
            await _lab.DisposeAsync();
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task A_thousand_plan_replacements_under_traffic_break_no_connection(CancellationToken cancellationToken)
    {
        // Equivalent for the web service, different on the switch: the web grant as one /0 or as two /1 halves (its
        // flows are deleted and added in the same bundle), plus an unrelated grant that comes and goes.
        var whole = FlowPlanner.Plan(new GrantSet(VmA, [.. AInbound()], []));
        var split = FlowPlanner.Plan(new GrantSet(VmA,
        [
            .. AInbound().Where(grant => grant.Port != WebPort),
            .. Halves(AV4, "0.0.0.0", "128.0.0.0", 1),
            .. Halves(AV6, "::", "8000::", 1),
            Inbound(AV4, Unrelated),
        ], []));
        await _lab.Firewall.ApplyAsync(whole, cancellationToken);
        await using var stream = await _lab.Peer.OpenStreamAsync(AV4, WebPort, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connecting = Task.Run(() => ConnectRepeatedlyAsync(stop.Token), CancellationToken.None);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Replacements; i++)
        {
            await _lab.Firewall.ApplyAsync(i % 2 == 0 ? split : whole, cancellationToken);
            if (i % ResynchroniseEvery == 0)
                await _lab.Firewall.ResynchronizeAsync(cancellationToken);
        }

        clock.Stop();
        await stop.CancelAsync();
        var connections = await connecting;
        var summary = await stream.StopAsync(cancellationToken);
        var onSwitch = await _lab.Ovs.OfctlAsync("dump-flows", $"cookie=0x{VmA.Cookie:x}/-1");

        await TestContext.Out.WriteLineAsync($"{Replacements} replacements and {Replacements / ResynchroniseEvery} full resynchronisations " +
            $"in {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"{connections.Count} new connections; stream: {summary.RoundTrips} round trips, {summary.BytesEchoed} bytes, " +
            $"longest round trip {summary.LongestRoundTrip.TotalMilliseconds:0} ms");
        Assert.Multiple(() =>
        {
            Assert.That(summary.Failure, Is.Null, "the long-lived stream");
            Assert.That(summary.RoundTrips, Is.GreaterThan(0), "the long-lived stream carried data");
            Assert.That(connections, Is.Not.Empty, "new connections were attempted during the replacements");
            Assert.That(connections.Where(probe => probe.Outcome != ProbeOutcome.Echoed), Is.Empty, "new connections");
            Assert.That(onSwitch.Split('\n').Count(line => line.Contains("cookie=", StringComparison.Ordinal)), Is.EqualTo(whole.Flows.Count),
                "the switch holds the last plan");
        });
    }

    private static IEnumerable<InboundGrant> Halves(IPAddress vm, string low, string high, int length) =>
        new[] { low, high }.Select(network =>
            new InboundGrant(vm, SocketProtocol.Tcp, WebPort, AddressPrefix.Create(IPAddress.Parse(network), length), PortRange.Any));

    /// <summary>New connections to A's web service, IPv4 and IPv6 in turn, one after another until stopped.</summary>
    private async Task<List<ProbeResult>> ConnectRepeatedlyAsync(CancellationToken stop)
    {
        var results = new List<ProbeResult>();
        while (!stop.IsCancellationRequested && results.Count < MaxConnections)
            results.Add(await _lab.Peer.TcpProbeAsync(results.Count % 2 == 0 ? AV4 : AV6, WebPort, CancellationToken.None));
        return results;
    }
}
