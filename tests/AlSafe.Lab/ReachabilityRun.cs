using System.Diagnostics;
using System.Net;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Lab;

/// <summary>
/// The measurements of <c>bench-reachability</c> on one node lab. For each variant a fresh <c>alsafe run</c>; for each
/// period, inbound samples (a new listener in the guest, a client in the neighbour connecting in a loop) and outbound
/// ones (the guest connects to the neighbour's server), each started after a random wait of 0..P so that starts
/// fall anywhere in the introspection cycle. Without the fast path, the VM's report flows are deleted from the switch
/// (the daemon has no setting for it): the daemon then only learns of a new socket at its next periodic
/// introspection, as in the paper. The switch's periodic reconciliation, which would put them back, is set to an hour
/// for that variant, and every sample checks that they are still gone.
/// </summary>
internal sealed class ReachabilityRun
{
    private const string Vm = NodeLab.GuestVm;

    /// <summary>How long after the handshake the daemon's ALLOW line may still be on its way through the pipe.</summary>
    private static readonly TimeSpan VerdictGrace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan NoReconcile = TimeSpan.FromHours(1);

    private readonly LabDaemonNode _node;
    private readonly Narrator _say;
    private readonly Random _random;
    private readonly CancellationToken _ct;
    private readonly string _whitelist;
    private int _samples;

    private ReachabilityRun(LabDaemonNode node, Narrator narrator, int seed, CancellationToken cancellationToken)
    {
        _node = node;
        _say = narrator;
        _random = new Random(seed);
        _ct = cancellationToken;
        var last = ReachabilityOptions.FirstPort + 99;
        _whitelist = File.ReadAllText(Path.Combine(LabAssets.RepositoryRoot, "tests", "lab", "whitelist.d", "lab.tsv")) +
                     $"{Vm}\t/bin/alsafe-guest\t0\ttcp\tin\t{ReachabilityOptions.FirstPort}-{last}\t*\t*\n" +
                     $"{Vm}\t/bin/alsafe-guest\t0\ttcp\tout\t*\t{NodeLab.NeighbourV4}\t{LabDaemonNode.NeighbourServerPort}\n";
    }

    private NodeLab Lab => _node.Lab;

    /// <summary>How long one sample may take from its start: three periods and ten seconds.</summary>
    public static TimeSpan SampleBound(int periodSeconds) => TimeSpan.FromSeconds(3 * periodSeconds + 10);

    /// <summary>Builds the lab, measures every variant, period and direction, and tears the lab down.</summary>
    public static async Task<IReadOnlyList<ReachabilitySample>> MeasureAsync(ReachabilityOptions options, Narrator narrator,
        CancellationToken cancellationToken)
    {
        narrator.Step("building the node lab (lab1 under QEMU on a real Open vSwitch, the edge, the neighbour)");
        narrator.Say($"seed {options.Seed}; periods {string.Join(", ", options.Periods)} s; samples {string.Join(", ", options.Samples)}");
        await using var node = await LabDaemonNode.StartAsync(new LabGuestOptions { Name = "alsafe-reach" }, cancellationToken)
            .ConfigureAwait(false);
        var run = new ReachabilityRun(node, narrator, options.Seed, cancellationToken);
        var samples = new List<ReachabilitySample>();
        foreach (var fastPath in options.FastPath)
        {
            samples.AddRange(await run.MeasureVariantAsync(fastPath, options).ConfigureAwait(false));
        }

        return samples;
    }

    private async Task<List<ReachabilitySample>> MeasureVariantAsync(bool fastPath, ReachabilityOptions options)
    {
        _say.Step(fastPath
            ? "fast path on: the switch reports new connections and the daemon introspects at once"
            : "fast path off: periodic introspection only");
        var first = TimeSpan.FromSeconds(options.Periods[0]);
        _node.StartDaemon(_whitelist, o => o with
        {
            Period = first,
            SwitchReconcileInterval = fastPath ? o.SwitchReconcileInterval : NoReconcile,
        });
        var samples = new List<ReachabilitySample>();
        try
        {
            await _node.WaitReadyAsync(_ct).ConfigureAwait(false);
            if (!fastPath)
            {
                await SuppressReportsAsync().ConfigureAwait(false);
            }

            var previous = first;
            for (var i = 0; i < options.Periods.Count; i++)
            {
                var period = TimeSpan.FromSeconds(options.Periods[i]);
                await SetPeriodAsync(period, previous).ConfigureAwait(false);
                previous = period;
                if (options.Inbound)
                {
                    samples.AddRange(await SeriesAsync(period, fastPath, inbound: true, options.Samples[i]).ConfigureAwait(false));
                }

                if (options.Outbound)
                {
                    samples.AddRange(await SeriesAsync(period, fastPath, inbound: false, options.Samples[i]).ConfigureAwait(false));
                }
            }
        }
        finally
        {
            try
            {
                var code = await _node.StopDaemonAsync().ConfigureAwait(false);
                _say.Say($"alsafe run stopped (exit code {code})");
            }
            catch (TimeoutException e)
            {
                // The samples are taken; a daemon that does not stop is reported, not a reason to drop them.
                _say.Say(e.Message);
            }
        }

        return samples;
    }

    private async Task<List<ReachabilitySample>> SeriesAsync(TimeSpan period, bool fastPath, bool inbound, int count)
    {
        _say.Say($"period {period.TotalSeconds:0} s, {(inbound ? "a new service (in)" : "a new connection (out)")}:");
        var samples = new List<ReachabilitySample>();
        for (var i = 0; i < count; i++)
        {
            if (!fastPath)
            {
                await SuppressReportsAsync().ConfigureAwait(false);
            }

            var offset = TimeSpan.FromSeconds(_random.NextDouble() * period.TotalSeconds);
            await Task.Delay(offset, _ct).ConfigureAwait(false);
            var sample = inbound
                ? await InboundAsync(period, fastPath, offset).ConfigureAwait(false)
                : await OutboundAsync(period, fastPath, offset).ConfigureAwait(false);
            samples.Add(sample);
            var reached = sample.Reached is { } t
                ? $"handshake {t.TotalSeconds:0.00} s after the start"
                : $"no handshake within {SampleBound((int)period.TotalSeconds).TotalSeconds:0} s";
            _say.Say($"  #{i + 1}  after a {offset.TotalSeconds:0.00} s wait: {reached}, ALLOW logged after {SampleSummary.Seconds(sample.Verdict)}");
        }

        _say.Say($"  {SampleSummary.Of([.. samples.Select(s => s.Reached)])}");
        return samples;
    }

    /// <summary>A listener on a port of its own starts in the guest; the neighbour connects until a handshake completes.</summary>
    private async Task<ReachabilitySample> InboundAsync(TimeSpan period, bool fastPath, TimeSpan offset)
    {
        var port = (ushort)(ReachabilityOptions.FirstPort + _samples++);
        var daemon = _node.Daemon;
        var logged = daemon.Stderr.Length;
        await Lab.Guest.RunAsync($"start tcp-listen {port}", _ct).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        var verdict = DaemonLogWatch.WhenLoggedAsync(daemon, logged,
            line => line.Contains("ALLOW", StringComparison.Ordinal) && line.Contains($":{port} <- ", StringComparison.Ordinal),
            started, watching.Token);
        var reached = await TcpReachability.TimeUntilConnectedAsync(Lab.Neighbour.Namespace.Path, new IPEndPoint(NodeLab.GuestV4, port), started,
            SampleBound((int)period.TotalSeconds), _ct).ConfigureAwait(false);
        watching.CancelAfter(VerdictGrace);
        var allowed = await verdict.ConfigureAwait(false);
        await Lab.Guest.RunAsync(GuestKill.Matching($"tcp-listen {port}"), _ct).ConfigureAwait(false);
        return new ReachabilitySample(period, fastPath, Inbound: true, offset, reached, allowed);
    }

    /// <summary>The guest connects to the neighbour's server: the command returns once connect() did (the server greets
    /// it at once, see <see cref="GreetingServer"/>).</summary>
    private async Task<ReachabilitySample> OutboundAsync(TimeSpan period, bool fastPath, TimeSpan offset)
    {
        var server = $"{NodeLab.NeighbourV4} {LabDaemonNode.NeighbourServerPort}";
        var daemon = _node.Daemon;
        var logged = daemon.Stderr.Length;
        var started = Stopwatch.GetTimestamp();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        var allowedLine = $"<- {NodeLab.NeighbourV4}:{LabDaemonNode.NeighbourServerPort} ";
        var verdict = DaemonLogWatch.WhenLoggedAsync(daemon, logged,
            line => line.Contains("ALLOW", StringComparison.Ordinal) && line.Contains(allowedLine, StringComparison.Ordinal),
            started, watching.Token);
        TimeSpan? reached;
        try
        {
            // Not cancelled at the bound: the guest runs its commands one at a time, and the connect() under way would
            // hold up the clean-up anyway; the channel's own reply timeout bounds it.
            await Lab.Guest.RunAsync($"start tcp-connect {server}", _ct).ConfigureAwait(false);
            reached = Stopwatch.GetElapsedTime(started);
        }
        catch (LabException e)
        {
            _say.Say($"  the guest's connect failed: {e.Message}");
            reached = null;
        }

        watching.CancelAfter(VerdictGrace);
        var allowed = await verdict.ConfigureAwait(false);
        await Lab.Guest.RunAsync(GuestKill.Matching($"tcp-connect {server}"), _ct).ConfigureAwait(false);
        return new ReachabilitySample(period, fastPath, Inbound: false, offset,
            reached <= SampleBound((int)period.TotalSeconds) ? reached : null, allowed);
    }

    private async Task SetPeriodAsync(TimeSpan period, TimeSpan previous)
    {
        var (code, output) = await _node.CliAsync("period", Vm, $"{period.TotalSeconds:0}").ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"alsafe period {Vm} {period.TotalSeconds:0} failed: {output.Trim()}");
        }

        // A cycle planned with the previous period may still be pending; once it has run, the new period is in force.
        await Task.Delay(previous + TimeSpan.FromSeconds(1), _ct).ConfigureAwait(false);
    }

    /// <summary>Deletes the VM's report flows when any is on the switch (the first time, or after the daemon
    /// resynchronised): each strictly, by its table, priority and match, which leaves the switch as the planner
    /// without reports (<c>FlowPlannerOptions.ReportNewConnections</c> false) would have it.</summary>
    private async Task SuppressReportsAsync()
    {
        var reports = Reports(await _node.VmFlowsAsync(Vm).ConfigureAwait(false));
        if (reports.Count == 0)
        {
            return;
        }

        foreach (var flow in reports)
        {
            await Lab.Ovs.OfctlAsync("del-flows", "--strict", flow).ConfigureAwait(false);
        }

        var left = Reports(await _node.VmFlowsAsync(Vm).ConfigureAwait(false));
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"{left.Count} report flows of {Vm} are still on the switch:\n{string.Join('\n', left)}");
        }

        _say.Say($"deleted the {reports.Count} report flows of {Vm} from the switch");
    }

    /// <summary>The VM's flows that send to the controller, each as cookie, table, priority and match for a strict
    /// delete (ovs-ofctl prints them in the syntax it reads).</summary>
    private static List<string> Reports(string dump) =>
    [
        .. dump.Split('\n')
            .Where(flow => flow.Contains("controller", StringComparison.OrdinalIgnoreCase))
            .Select(flow => flow.Trim().Split(" actions=")[0].Split(", ")
                .Where(field => field.StartsWith("table=", StringComparison.Ordinal) || field.StartsWith("priority=", StringComparison.Ordinal)))
            .Select(fields => string.Join(',', [LabDaemonNode.VmCookie(Vm), .. fields])),
    ];
}
