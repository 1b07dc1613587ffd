using System.Diagnostics;
using System.Net;
using AlSafe.Core.Rules.Switch;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Lab;

/// <summary>
/// The steps of <c>demo</c>, each printing what it does, what the daemon says about it (its log, <c>alsafe vms</c> and
/// <c>alsafe connections</c>) and PASS or FAIL for what a tenant would observe from the network. Every wait is bounded.
/// </summary>
internal sealed class DemoScript
{
    private const string Vm = NodeLab.GuestVm;
    private const ushort NewServicePort = 7040;
    private const ushort RenamedPort = 7050;
    private const ushort NcPort = LabLayout.NcListenPort;
    private const ushort HttpdPort = LabLayout.HttpdPort;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string DemoLines =
        "# added by the demo: a service started later, a path rule for a program called worker, the neighbour's server\n" +
        $"{Vm}\t/bin/alsafe-guest\t0\ttcp\tin\t{NewServicePort}\t*\t*\n" +
        $"{Vm}\t/usr/bin/worker\t*\ttcp\tin\t{RenamedPort}\t*\t*\n" +
        $"{Vm}\t/bin/alsafe-guest\t0\ttcp\tout\t*\t{NodeLab.NeighbourV4}\t{LabDaemonNode.NeighbourServerPort}\n";

    private static readonly string NcLine = $"{Vm}\tnc\t0\ttcp\tin\t{NcPort}\t*\t*\n";

    private readonly LabDaemonNode _node;
    private readonly Narrator _say;
    private readonly CancellationToken _ct;
    private readonly string _whitelist;
    private DaemonLogView? _log;

    private DemoScript(LabDaemonNode node, Narrator narrator, CancellationToken cancellationToken)
    {
        _node = node;
        _say = narrator;
        _ct = cancellationToken;
        _whitelist = File.ReadAllText(Path.Combine(LabAssets.RepositoryRoot, "tests", "lab", "whitelist.d", "lab.tsv")) + DemoLines;
    }

    private NodeLab Lab => _node.Lab;

    private string NeighbourNamespace => Lab.Neighbour.Namespace.Path;

    /// <summary>Builds the node, runs every step, and tears the node down whatever happened.</summary>
    public static async Task RunAsync(LabGuestOptions guest, Narrator narrator, CancellationToken cancellationToken)
    {
        narrator.Step("building the node lab (a private Open vSwitch, a QEMU guest on a tap, an edge, an outside, a neighbour)");
        narrator.Say($"booting {LabAssets.KernelRelease} under QEMU (TCG) and building the namespaces: this takes a while...");
        var started = Stopwatch.GetTimestamp();
        await using var node = await LabDaemonNode.StartAsync(guest, cancellationToken).ConfigureAwait(false);
        narrator.Say($"built in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
        var script = new DemoScript(node, narrator, cancellationToken);
        try
        {
            await script.RunStepsAsync().ConfigureAwait(false);
        }
        finally
        {
            if (script._log is not null)
            {
                await script._log.DisposeAsync().ConfigureAwait(false);
            }

            narrator.Say("tearing the lab down: the daemon, QEMU, the namespaces, Open vSwitch, the bus");
        }
    }

    private async Task RunStepsAsync()
    {
        await ShowLabAsync().ConfigureAwait(false);
        ShowWhitelist();
        await StartDaemonAsync().ConfigureAwait(false);
        await HttpdAsync().ConfigureAwait(false);
        await NcIsBlockedAsync().ConfigureAwait(false);
        await NewServiceAsync().ConfigureAwait(false);
        await StoppedServiceAsync().ConfigureAwait(false);
        await OutboundAsync().ConfigureAwait(false);
        await WhitelistEditAsync().ConfigureAwait(false);
        await RenamedProcessAsync().ConfigureAwait(false);
        await FinalStateAsync().ConfigureAwait(false);
        await StopDaemonAsync().ConfigureAwait(false);
    }

    private async Task ShowLabAsync()
    {
        var edge = Lab.Edge;
        _say.Say($"bridge   {NodeLab.Bridge}: Open vSwitch 3 with the userspace datapath, in namespace {Lab.Network.Switch.Name}; " +
                 "fail_mode standalone (a plain learning switch) until AL-SAFE takes it");
        _say.Say($"tap      {NodeLab.GuestTap} (OpenFlow port {NodeLab.GuestOfPort}) -> VM {Vm}: MAC {NodeLab.GuestMac}, " +
                 $"{NodeLab.GuestV4} and {NodeLab.GuestV6}, gateway {NodeLab.Gateway4}");
        _say.Say($"         its RAM is shared at {Lab.Guest.MemoryPath}, QMP at {Lab.Guest.QmpSocket}");
        _say.Say($"edge     namespace {edge.EdgeNamespace}: the router {NodeLab.Gateway4} / {NodeLab.Gateway6} of the VM network, " +
                 $"nftables, sshd at {edge.EdgeAddress}");
        _say.Say($"outside  namespace {edge.OutsideNamespace}: {NodeLab.Outside4} / {NodeLab.Outside6}, beyond the edge");
        _say.Say($"neighbour namespace {Lab.Neighbour.Namespace.Name} (OpenFlow port {NodeLab.NeighbourOfPort}): {NodeLab.NeighbourV4} / " +
                 $"{NodeLab.NeighbourV6}, not protected, a TCP server on {LabDaemonNode.NeighbourServerPort}");
        _say.Say($"the guest runs busybox httpd on {HttpdPort}, nc -l on {NcPort}, and the lab's helpers (tests/lab/guest/init)");
        _say.Check(await Lab.TcpFromNeighbourAsync(NodeLab.GuestV4, LabLayout.TenantWorkerPort, _ct).ConfigureAwait(false),
            $"with no firewall yet, the neighbour reaches {LabLayout.TenantWorkerExecutable} on {LabLayout.TenantWorkerPort}, " +
            "which the whitelist does not name");
    }

    private void ShowWhitelist()
    {
        _say.Step("the tenant's whitelist (whitelist.d/lab.tsv: the lab's, plus the demo's lines)");
        _say.Block(_whitelist);
    }

    private async Task StartDaemonAsync()
    {
        _say.Step("starting alsafe run (as systemd would: NOTIFY_SOCKET; control API on a private D-Bus); its log follows as it comes");
        var started = Stopwatch.GetTimestamp();
        var daemon = _node.StartDaemon(_whitelist, options => options with { Period = TimeSpan.FromSeconds(2) });
        _log = new DaemonLogView(daemon, _say);
        await _node.WaitReadyAsync(_ct).ConfigureAwait(false);
        _log.Flush();
        var ready = daemon.Notifications.First(n => n.Contains("READY=1", StringComparison.Ordinal));
        _say.Check(true, $"READY after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s",
            ready.Split('\n').FirstOrDefault(l => l.StartsWith("STATUS=", StringComparison.Ordinal)));
        await CliAsync("status").ConfigureAwait(false);
        await CliAsync("vms").ConfigureAwait(false);
        _say.Say("what the daemon read in the guest's memory, and its verdict on each socket:");
        await CliAsync("connections", Vm).ConfigureAwait(false);
    }

    private async Task HttpdAsync()
    {
        _say.Step($"httpd (whitelisted: httpd tcp in {HttpdPort}) is reachable");
        _say.Say("busybox httpd listens on [::]:80, for IPv6 and (unless IPV6_V6ONLY is set) IPv4");
        _say.Check(await Lab.TcpFromOutsideAsync(NodeLab.GuestV6, HttpdPort, _ct).ConfigureAwait(false),
            $"from outside, through the edge: [{NodeLab.GuestV6}]:{HttpdPort}");
        _say.Check(await Lab.TcpFromNeighbourAsync(NodeLab.GuestV6, HttpdPort, _ct).ConfigureAwait(false),
            $"from the neighbour, across the switch: [{NodeLab.GuestV6}]:{HttpdPort}");
        _say.Check(await Lab.TcpFromOutsideAsync(NodeLab.GuestV4, HttpdPort, _ct).ConfigureAwait(false),
            $"over IPv4 from outside ({NodeLab.GuestV4}:{HttpdPort}): the daemon read IPV6_V6ONLY=0 in the guest's socket");
        var svc6 = Elements(await _node.EdgeSetAsync("svc6").ConfigureAwait(false));
        _say.Check(svc6.Any(e => e.StartsWith($"{NodeLab.GuestV6} . tcp . {HttpdPort} ", StringComparison.Ordinal)),
            "the edge's svc6 set holds httpd's element");
    }

    private async Task NcIsBlockedAsync()
    {
        _say.Step($"nc -l on {NcPort} is not whitelisted: unreachable, and not one packet reaches the guest (tcpdump on {NodeLab.GuestTap})");
        var answered = new List<string>();
        var packets = await Lab.CountTapPacketsAsync($"tcp port {NcPort}", async () =>
        {
            foreach (var (name, address) in new[] { ("outside over IPv4", NodeLab.GuestV4), ("outside over IPv6", NodeLab.GuestV6) })
            {
                if (await Lab.TcpFromOutsideAsync(address, NcPort, _ct).ConfigureAwait(false))
                {
                    answered.Add(name);
                }
            }

            if (await Lab.TcpFromNeighbourAsync(NodeLab.GuestV6, NcPort, _ct).ConfigureAwait(false))
            {
                answered.Add("neighbour");
            }
        }, _ct).ConfigureAwait(false);
        _say.Check(answered.Count == 0, "no answer from outside (IPv4, IPv6) nor from the neighbour (IPv6)",
            answered.Count == 0 ? null : "answered: " + string.Join(", ", answered));
        _say.Check(packets == 0, $"{packets} packets of port {NcPort} crossed the tap");
        var elements = new List<string>();
        foreach (var kind in new[] { "svc4", "svc6" })
        {
            elements.AddRange(Elements(await _node.EdgeSetAsync(kind).ConfigureAwait(false)));
        }

        _say.Check(!elements.Any(e => e.Contains($" . {NcPort} ", StringComparison.Ordinal)), $"no element for {NcPort} on the edge");
    }

    private async Task NewServiceAsync()
    {
        _say.Step($"a new whitelisted service: the guest starts alsafe-guest tcp-listen {NewServicePort}");
        await Lab.Guest.RunAsync($"start tcp-listen {NewServicePort}", _ct).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        _say.Say("started; the neighbour connects in a loop (each connect with the kernel's SYN retransmissions)");
        var reached = await TcpReachability.TimeUntilConnectedAsync(NeighbourNamespace, new IPEndPoint(NodeLab.GuestV4, NewServicePort), started,
            Patience, _ct).ConfigureAwait(false);
        _log?.Flush();
        _say.Check(reached is not null, "reachable from the neighbour", Took(reached, "after the service started"));
        var outside = await Eventually.SinceAsync(started,
            () => Lab.TcpFromOutsideAsync(NodeLab.GuestV4, NewServicePort, _ct), Patience, _ct).ConfigureAwait(false);
        _say.Check(outside is not null, "reachable from outside, through the edge", Took(outside, "after the service started"));
        _say.Say("its rules: on the switch (lab1's cookie) and on the edge");
        _say.Block(string.Join('\n', Flows(await _node.VmFlowsAsync(Vm).ConfigureAwait(false))
            .Where(f => f.Contains($"tp_dst={NewServicePort}", StringComparison.Ordinal)).Select(Readable)
            .Concat(Elements(await _node.EdgeSetAsync("svc4").ConfigureAwait(false))
                .Where(e => e.Contains($" . {NewServicePort} ", StringComparison.Ordinal)).Select(e => "edge svc4: " + e))));
    }

    private async Task StoppedServiceAsync()
    {
        _say.Step("the service stops (killed in the guest): its rules go");
        await Lab.Guest.RunAsync(GuestKill.Matching($"tcp-listen {NewServicePort}"), _ct).ConfigureAwait(false);
        var stopped = Stopwatch.GetTimestamp();
        var gone = await Eventually.SinceAsync(stopped, async () =>
            !(await _node.VmFlowsAsync(Vm).ConfigureAwait(false)).Contains($"tp_dst={NewServicePort}", StringComparison.Ordinal) &&
            !Elements(await _node.EdgeSetAsync("svc4").ConfigureAwait(false)).Any(e => e.Contains($" . {NewServicePort} ", StringComparison.Ordinal)),
            Patience, _ct).ConfigureAwait(false);
        _log?.Flush();
        _say.Check(gone is not null, $"no switch flow and no edge element for {NewServicePort} any more", Took(gone, "after it stopped"));
    }

    private async Task OutboundAsync()
    {
        _say.Step($"an outbound connection: the guest connects to the neighbour's {NodeLab.NeighbourV4}:{LabDaemonNode.NeighbourServerPort} " +
                  "(whitelisted out)");
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Lab.Guest.RunAsync($"start tcp-connect {NodeLab.NeighbourV4} {LabDaemonNode.NeighbourServerPort}", _ct).ConfigureAwait(false);
            _log?.Flush();
            _say.Check(true, "connect() in the guest returned (the server greets each client with a byte, which the helper waits for)",
                $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} s after it was called");
        }
        catch (LabException e)
        {
            _say.Check(false, "connect() in the guest returned", e.Message);
        }
    }

    private async Task WhitelistEditAsync()
    {
        _say.Step("the tenant edits the whitelist to allow nc; the daemon notices the file change");
        _say.Block(NcLine);
        Lab.WriteWhitelist(_whitelist + NcLine);
        var edited = Stopwatch.GetTimestamp();
        var reached = await Eventually.SinceAsync(edited,
            () => Lab.TcpFromOutsideAsync(NodeLab.GuestV6, NcPort, _ct), Patience, _ct).ConfigureAwait(false);
        _log?.Flush();
        _say.Check(reached is not null, $"nc on {NcPort} (a listener on ::) answers the outside over IPv6, through the edge",
            Took(reached, "after the edit"));
        var gone = await Eventually.SinceAsync(Stopwatch.GetTimestamp(), async () =>
                !(await _node.VmFlowsAsync(Vm).ConfigureAwait(false)).Contains($"tp_dst={NcPort}", StringComparison.Ordinal),
            Patience, _ct).ConfigureAwait(false);
        _log?.Flush();
        _say.Say("busybox nc -l serves one connection and closes its listener: " +
                 (gone is { } t ? $"its rule went {t.TotalSeconds:0.00} s later" : "its rule is still there"));
    }

    private async Task RenamedProcessAsync()
    {
        _say.Step($"a process renames itself \"worker\" (comm) and listens on {RenamedPort}; the whitelist allows {RenamedPort} only " +
                  "to /usr/bin/worker");
        await Lab.Guest.RunAsync($"start comm worker tcp-listen {RenamedPort}", _ct).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var connections = "";
        var seen = await Eventually.SinceAsync(started, async () =>
        {
            connections = (await _node.CliAsync("connections", Vm).ConfigureAwait(false)).Output;
            return connections.Contains($":{RenamedPort}", StringComparison.Ordinal);
        }, Patience, _ct).ConfigureAwait(false);
        _log?.Flush();
        _say.Check(seen is not null, "the daemon saw the listener", Took(seen, "after it started"));
        var line = connections.Split('\n').FirstOrDefault(l => l.Contains($":{RenamedPort}", StringComparison.Ordinal)) ?? "";
        _say.Say($"alsafe connections {Vm} | grep :{RenamedPort}");
        _say.Block(line);
        _say.Check(line.Contains("worker", StringComparison.Ordinal) && line.Contains(LabLayout.HelperExecutable, StringComparison.Ordinal) &&
                   line.Contains("block", StringComparison.OrdinalIgnoreCase),
            $"blocked: its comm says worker, its executable is {LabLayout.HelperExecutable}");
        var answered = new List<string>();
        var packets = await Lab.CountTapPacketsAsync($"tcp port {RenamedPort}", async () =>
        {
            if (await Lab.TcpFromNeighbourAsync(NodeLab.GuestV4, RenamedPort, _ct).ConfigureAwait(false))
            {
                answered.Add("neighbour");
            }

            if (await Lab.TcpFromOutsideAsync(NodeLab.GuestV4, RenamedPort, _ct).ConfigureAwait(false))
            {
                answered.Add("outside");
            }
        }, _ct).ConfigureAwait(false);
        _say.Check(answered.Count == 0 && packets == 0, $"unreachable from the neighbour and from outside, {packets} packets on the tap",
            answered.Count == 0 ? null : "answered: " + string.Join(", ", answered));
    }

    private async Task FinalStateAsync()
    {
        _say.Step("where things stand");
        await CliAsync("vms").ConfigureAwait(false);
        var all = await Lab.Ovs.OfctlAsync("dump-flows").ConfigureAwait(false);
        var mine = await _node.VmFlowsAsync(Vm).ConfigureAwait(false);
        _say.Say($"switch {NodeLab.Bridge}: {Flows(all).Count} flows, {Flows(mine).Count} of them {Vm}'s (cookie 0x{RuleCookie.ForVm(Vm):x}); " +
                 "its grants:");
        _say.Block(string.Join('\n', Flows(mine).Where(f => f.Contains("ct(commit", StringComparison.Ordinal)).Select(Readable)));
        _say.Check(
            mine.Contains($"tp_dst={HttpdPort}", StringComparison.Ordinal) && !mine.Contains($"tp_dst={RenamedPort}", StringComparison.Ordinal),
            $"{Vm}'s flows admit {HttpdPort}, not {RenamedPort}");
        _say.Say("the edge's sets for this node (nft list set inet alsafe ..._lab-node):");
        foreach (var kind in new[] { "svc4", "svc6", "out4", "out6" })
        {
            var elements = Elements(await _node.EdgeSetAsync(kind).ConfigureAwait(false));
            _say.Block($"{kind}: " + (elements.Count == 0 ? "(empty)" : string.Join("\n      ", elements)));
        }
    }

    private async Task StopDaemonAsync()
    {
        _say.Step("stopping the daemon (SIGTERM, as systemctl stop): the rules stay in force");
        _log?.Flush();
        try
        {
            var code = await _node.StopDaemonAsync().ConfigureAwait(false);
            _say.Check(code == 0, $"alsafe run exited with {code}");
        }
        catch (TimeoutException e)
        {
            _say.Check(false, "alsafe run exited", e.Message);
        }
        finally
        {
            if (_log is not null)
            {
                await _log.DisposeAsync().ConfigureAwait(false);
                _log = null;
            }
        }

        _say.Check(await Lab.TcpFromNeighbourAsync(NodeLab.GuestV6, HttpdPort, _ct).ConfigureAwait(false), "httpd still answers");
        _say.Check(!await Lab.TcpFromNeighbourAsync(NodeLab.GuestV4, RenamedPort, _ct).ConfigureAwait(false), $"{RenamedPort} is still blocked");
    }

    private async Task CliAsync(params string[] args)
    {
        var (code, output) = await _node.CliAsync(args).ConfigureAwait(false);
        _log?.Flush();
        _say.Say($"$ alsafe {string.Join(' ', args)}" + (code == 0 ? "" : $"   (exit code {code})"));
        _say.Block(output);
    }

    private static string? Took(TimeSpan? elapsed, string since) =>
        elapsed is { } t ? $"{t.TotalSeconds:0.00} s {since}" : $"not within {Patience.TotalSeconds:0} s";

    private static List<string> Flows(string dump) =>
        [.. dump.Split('\n').Where(l => l.Contains("cookie=", StringComparison.Ordinal)).Select(l => l.Trim())];

    /// <summary>A dumped flow without its counters: table, priority, match and actions.</summary>
    private static string Readable(string flow) =>
        string.Join(", ", flow.Trim().Split(", ").Where(field =>
            !field.StartsWith("duration=", StringComparison.Ordinal) && !field.StartsWith("n_packets=", StringComparison.Ordinal) &&
            !field.StartsWith("n_bytes=", StringComparison.Ordinal) && !field.StartsWith("idle_age=", StringComparison.Ordinal) &&
            !field.StartsWith("cookie=", StringComparison.Ordinal)));

    /// <summary>The elements of an nft set listing, each on one line with its spaces normalised.</summary>
    private static List<string> Elements(string listing)
    {
        var start = listing.IndexOf("elements = {", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        start += "elements = {".Length;
        var end = listing.IndexOf('}', start);
        return [.. listing[start..(end < 0 ? listing.Length : end)]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(element => string.Join(' ', element.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];
    }
}
