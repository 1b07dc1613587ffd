using System.Collections.Concurrent;
using AlSafe.TestSupport.Net;
using NUnit.Framework;
using static AlSafe.Tests.Switch.Traffic.TrafficLab;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// ovs-vswitchd dies and comes back with an empty table: nothing the plans forbid may pass at any moment of that, and
/// once the firewall has resynchronised, what they allow works again.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class SwitchRestartTrafficTests
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<(Phase Phase, ProbeResult Result)> _forbidden = new();
    private TrafficLab _lab = null!;
    private int _phase;

    private enum Phase
    {
        Down,
        Restarted,
        Resynchronised,
    }

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
    [CancelAfter(120_000)]
    public async Task A_forbidden_port_stays_closed_through_a_switch_restart_and_the_service_returns(CancellationToken cancellationToken)
    {
        await _lab.ApplyAsync(VmA, AInbound(), [], cancellationToken);
        var before = await _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken);
        Assert.That(before.Outcome, Is.EqualTo(ProbeOutcome.Echoed), before.ToString());
        var resynchronisations = _lab.Firewall.Resynchronizations;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probing = Task.Run(() => ProbeForbiddenAsync(stop.Token), CancellationToken.None);
        try
        {
            await _lab.Network.KillSwitchAsync(cancellationToken);
            await WaitUntilAsync(() => !_lab.Firewall.IsConnected, "the firewall to notice the switch is gone", cancellationToken);
            await WaitUntilAsync(() => Probes(Phase.Down) >= 2, "two probes while the switch is down", cancellationToken);
            Enter(Phase.Restarted);
            await _lab.Network.StartSwitchAsync(cancellationToken);
            await WaitUntilAsync(() => _lab.Firewall.Resynchronizations > resynchronisations, "the firewall to resynchronise", cancellationToken);
            Enter(Phase.Resynchronised);

            var after = await Task.WhenAll(
                _lab.Peer.TcpProbeAsync(AV4, WebPort, cancellationToken),
                _lab.Peer.TcpProbeAsync(AV6, WebPort, cancellationToken));
            await WaitUntilAsync(() => Probes(Phase.Resynchronised) >= 2, "two probes after the resynchronisation", cancellationToken);
            await stop.CancelAsync();
            await probing;

            var failed = _forbidden.Where(probe => probe.Result.Outcome != ProbeOutcome.TimedOut).Select(probe => $"{probe.Phase}: {probe.Result}");
            Assert.Multiple(() =>
            {
                Assert.That(after.Where(probe => probe.Outcome != ProbeOutcome.Echoed), Is.Empty, "the web service after the resynchronisation");
                Assert.That(failed, Is.Empty, $"TCP {ClosedPort} probes that were not dropped");
            });
            await TestContext.Out.WriteLineAsync(string.Join(", ",
                Enum.GetValues<Phase>().Select(phase => $"{Probes(phase)} probes of TCP {ClosedPort} while {phase}")));
        }
        finally
        {
            await stop.CancelAsync();
            await probing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Enter(Phase phase) => Volatile.Write(ref _phase, (int)phase);

    private int Probes(Phase phase) => _forbidden.Count(probe => probe.Phase == phase);

    /// <summary>Connection attempts to A's forbidden port, IPv4 and IPv6 in turn, each tagged with the phase it
    /// started in, until stopped.</summary>
    private async Task ProbeForbiddenAsync(CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var phase = (Phase)Volatile.Read(ref _phase);
            var result = await _lab.Peer.TcpProbeAsync(i % 2 == 0 ? AV4 : AV6, ClosedPort, CancellationToken.None);
            _forbidden.Enqueue((phase, result));
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(WaitTimeout);
        try
        {
            while (!condition())
                await Task.Delay(50, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"waited {WaitTimeout} for {what}; firewall log:\n{_lab.FirewallLog}");
        }
    }
}
