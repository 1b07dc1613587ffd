using System.Net;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Daemon.Cli;
using AlSafe.Tests.Logging;
using AlSafe.TestSupport.Daemon;
using AlSafe.TestSupport.DBus;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Daemon;

/// <summary>
/// <c>alsafe run</c> end to end on the node lab: a real guest on a real Open vSwitch through a tap, an edge host with
/// nftables behind a real sshd, an outside client and a neighbour, a real dbus-daemon for the control API, and the
/// daemon as a child process told by NOTIFY_SOCKET like systemd would. The tests run in order on one lab: each leaves
/// the guest and the whitelist as the next one expects.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class DaemonEndToEndTests
{
    private const ushort LaterServicePort = 7040;
    private const ushort RenamedPort = 7050;
    private const ushort EditedPort = 7060;
    private const ushort NeighbourServicePort = 9000;
    private const string FailingVm = "vm2";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private static readonly string Policy = Path.Combine(LabAssets.RepositoryRoot, "packaging", "dbus", "org.alsafe.Daemon1.conf");

    private static readonly string Whitelist = $"""
        # vm	process	user	proto	direction	local_port	remote	remote_port
        lab1	httpd	0	tcp	in	80	*	*
        lab1	/bin/alsafe-guest	0	tcp	in	7001-7003	*	*
        lab1	/bin/alsafe-guest	0	tcp	in	{LaterServicePort}	*	*
        lab1	/usr/bin/worker	*	tcp	in	{RenamedPort}	*	*
        lab1	/bin/alsafe-guest	0	tcp	out	*	192.0.2.20	{NeighbourServicePort}
        {FailingVm}	nginx	*	tcp	in	9100	*	*

        """.Replace("        ", "", StringComparison.Ordinal);

    private static readonly NodeLabNamespaceVm Vm2 =
        new(FailingVm, MacAddress.Parse("52:54:00:a1:5a:12"), IPAddress.Parse("192.0.2.12"), IPAddress.Parse("fd00:a15a::12"));

    private NodeLab _lab = null!;
    private PrivateBus _bus = null!;
    private TestJournald _journal = null!;
    private NodeLabDaemonFiles _files = null!;
    private DaemonProcess _daemon = null!;

    private IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = _bus.Address };

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (NodeLab.Unsupported() is { } reason)
        {
            Assert.Ignore(reason);
        }

        if (!PrivateBus.IsAvailable)
        {
            Assert.Ignore("dbus-daemon is not installed (tests/lab/install-deps.sh installs it)");
        }

        if (TestJournald.Unsupported() is { } noJournal)
        {
            Assert.Ignore(noJournal);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        _bus = await PrivateBus.StartAsync([Policy], timeout.Token);
        _journal = await TestJournald.StartAsync(timeout.Token);
        _lab = await NodeLab.StartAsync(new NodeLabOptions { Guest = new LabGuestOptions { Name = "daemon-e2e" }, NamespaceVms = [Vm2] },
            timeout.Token);
        await _lab.Neighbour.StartTcpEchoServerAsync(NeighbourServicePort, timeout.Token);
        _files = _lab.WriteDaemonConfig(Whitelist, new NodeLabDaemonOptions
        {
            BusAddress = _bus.Address,
            Period = Period,
            IncludeNamespaceVms = true,
            JournalSocket = _journal.SocketPath,
        });
        _daemon = DaemonProcess.Start(_files.ConfigPath, Environment);
        await _daemon.WaitReadyAsync(TimeSpan.FromMinutes(3));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_daemon is not null)
        {
            TestContext.Out.WriteLine(_daemon.Stderr);
            await _daemon.DisposeAsync();
        }

        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }

        if (_journal is not null)
        {
            await _journal.DisposeAsync();
        }

        _bus?.Dispose();
    }

    [Test]
    [Order(1)]
    public void ReadyIsSentOnceEveryVmIsEnforcedWithAStatusLine()
    {
        var notifications = _daemon.Notifications;
        Assert.That(notifications, Has.Some.Contains("READY=1"));
        Assert.That(notifications.First(n => n.Contains("READY=1", StringComparison.Ordinal)), Does.Contain("STATUS=").And.Contain("switch connected"));
    }

    [Test]
    [Order(2)]
    public async Task EveryVerdictIsInTheJournalWithItsFields()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var nc = await _journal.ReadAsync(timeout.Token, "ALSAFE_VM=lab1", "ALSAFE_PROCESS=nc");
        Assert.That(nc, Is.Not.Empty, "journalctl ALSAFE_VM=lab1 ALSAFE_PROCESS=nc");
        var blocked = nc[0];
        Assert.That(blocked["ALSAFE_VERDICT"]!.ToString(), Is.EqualTo("BLOCK"));
        Assert.That(blocked["PRIORITY"]!.ToString(), Is.EqualTo("4"));
        Assert.That(blocked["ALSAFE_LOCAL_PORT"]!.ToString(), Is.EqualTo($"{LabLayout.NcListenPort}"));
        Assert.That(blocked["ALSAFE_EXECUTABLE"]!.ToString(), Is.EqualTo("/bin/busybox"));
        Assert.That(blocked["ALSAFE_TENANT"]!.ToString(), Is.EqualTo("lab"));

        var httpd = await _journal.ReadAsync(timeout.Token, "ALSAFE_VM=lab1", "ALSAFE_PROCESS=httpd", "ALSAFE_VERDICT=ALLOW");
        Assert.That(httpd, Is.Not.Empty);
        Assert.That(httpd[0]["PRIORITY"]!.ToString(), Is.EqualTo("6"));
        Assert.That(httpd[0]["ALSAFE_WHITELIST_LINE"]!.ToString(), Does.EndWith("lab.tsv:2"));
        Assert.That(await _journal.ReadAsync(timeout.Token, $"ALSAFE_VM={FailingVm}", "PRIORITY=3"), Is.Not.Empty,
            "vm2's failing cycles are errors under its own field");
    }

    [Test]
    [Order(3)]
    public async Task AWhitelistedServiceIsReachableFromOutsideAndFromTheNeighbour()
    {
        using var timeout = new CancellationTokenSource(Patience);
        // busybox httpd listens on [::]:80 without IPV6_V6ONLY: the daemon reads the flag and opens IPv4 too.
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, 80, timeout.Token), Is.True, "httpd from outside, through the edge");
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV6, 80, timeout.Token), Is.True, "httpd over IPv6 from outside");
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, 80, timeout.Token), Is.True, "httpd from the neighbour");
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), Is.True, "7001 from outside");
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), Is.True, "7001 from the neighbour");
    }

    [Test]
    [Order(4)]
    public async Task AListenerThatIsNotWhitelistedIsUnreachableAndNotOnePacketReachesTheTap()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var reached = new List<string>();
        var packets = await _lab.CountTapPacketsAsync($"tcp port {LabLayout.NcListenPort}", async () =>
        {
            if (await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, LabLayout.NcListenPort, timeout.Token))
            {
                reached.Add("outside");
            }

            if (await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, LabLayout.NcListenPort, timeout.Token))
            {
                reached.Add("neighbour");
            }
        }, timeout.Token);
        Assert.That(reached, Is.Empty, "nc on 7010 answered");
        Assert.That(packets, Is.Zero, "packets of port 7010 crossed the guest's tap");
        Assert.That(await EdgeSetAsync("svc4"), Does.Contain("192.0.2.10 . tcp . 80 ").And.Contain("192.0.2.10 . tcp . 7001 ").And.Not.Contain(" 7010 "));
        Assert.That(await EdgeSetAsync("svc6"), Does.Contain("fd00:a15a::10 . tcp . 80 ").And.Not.Contain(" 7010 "));
    }

    [Test]
    [Order(5)]
    public async Task AServiceStartedLaterBecomesReachableAndLosesItsRulesWhenItStops()
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, LaterServicePort, timeout.Token), Is.False, "nothing listens yet");
        await _lab.Guest.RunAsync($"start tcp-listen {LaterServicePort}", timeout.Token);
        Assert.That(await Poll.UntilAsync(() => _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, LaterServicePort, timeout.Token), timeout.Token),
            Is.True, "the new service is reachable from the neighbour");
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, LaterServicePort, timeout.Token), Is.True, "and from outside");

        var pid = (await CliAsync("connections", "lab1")).Split('\n')
            .Single(l => l.Contains($"0.0.0.0:{LaterServicePort} ", StringComparison.Ordinal)).Split(' ', 2)[0];
        await _lab.Guest.RunAsync($"kill {pid}", timeout.Token);
        Assert.That(await Poll.UntilAsync(async () => !(await VmFlowsAsync("lab1")).Contains($"tp_dst={LaterServicePort}", StringComparison.Ordinal),
            timeout.Token), Is.True, "the switch flow of the stopped service is gone");
        Assert.That(await Poll.UntilAsync(async () => !(await EdgeSetAsync("svc4")).Contains($" {LaterServicePort} ", StringComparison.Ordinal),
            timeout.Token), Is.True, "the edge element of the stopped service is gone");
    }

    [Test]
    [Order(6)]
    public async Task AnOutboundConnectionTheWhitelistNamesGetsThrough()
    {
        using var timeout = new CancellationTokenSource(Patience);
        // connect() returns only once the handshake completed: the first SYN met no rule, the switch told the daemon,
        // the daemon read the guest and allowed the socket it found, and a retransmitted SYN went through.
        await _lab.Guest.RunAsync($"start tcp-connect {NodeLab.NeighbourV4} {NeighbourServicePort}", timeout.Token);
        Assert.That(await VmFlowsAsync("lab1"), Does.Contain($"tp_dst={NeighbourServicePort}"));
    }

    [Test]
    [Order(7)]
    public async Task ARenamedProcessIsStillBlockedWhenTheWhitelistNamesAPath()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _lab.Guest.RunAsync($"start comm worker tcp-listen {RenamedPort}", timeout.Token);
        Assert.That(await Poll.UntilAsync(async () => (await CliAsync("connections", "lab1")).Contains($":{RenamedPort}", StringComparison.Ordinal),
            timeout.Token), Is.True, "the daemon saw the renamed listener");
        var connections = await CliAsync("connections", "lab1");
        var line = connections.Split('\n').Single(l => l.Contains($":{RenamedPort}", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("worker").And.Contain("/bin/alsafe-guest").And.Contain("block"));
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, RenamedPort, timeout.Token), Is.False);
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, RenamedPort, timeout.Token), Is.False);
    }

    [Test]
    [Order(8)]
    public async Task AnEditedWhitelistTakesEffectWithoutARestartAndABadOneKeepsTheLastGood()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _lab.Guest.RunAsync($"start tcp-listen {EditedPort}", timeout.Token);
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, EditedPort, timeout.Token), Is.False, "not whitelisted yet");

        _lab.WriteWhitelist(Whitelist + $"lab1\t/bin/alsafe-guest\t0\ttcp\tin\t{EditedPort}\t*\t*\n");
        Assert.That(await Poll.UntilAsync(() => _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, EditedPort, timeout.Token), timeout.Token),
            Is.True, "the service is reachable once the whitelist names it");

        _lab.WriteWhitelist(Whitelist + $"lab1\t/bin/alsafe-guest\t0\ttcp\tinbound\t{EditedPort}\t*\t*\n");
        Assert.That(await Poll.UntilAsync(async () => (await _journal.ReadAsync(timeout.Token, "PRIORITY=3"))
                .Any(entry => entry["MESSAGE"]!.ToString().Contains("lab.tsv:8", StringComparison.Ordinal)), timeout.Token),
            Is.True, "the bad line is reported at priority err with its file and line");
        await Task.Delay(Period * 2, timeout.Token);
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, EditedPort, timeout.Token), Is.True,
            "the last good whitelist stays in force");

        _lab.WriteWhitelist(Whitelist);
        Assert.That(await Poll.UntilAsync(async () => !await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, EditedPort, timeout.Token),
            timeout.Token), Is.True, "the service is blocked again");
    }

    [Test]
    [Order(9)]
    public async Task AVmWhoseIntrospectionFailsKeepsDefaultDenyWhileTheOthersWork()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var vms = await CliAsync("vms");
        Assert.That(vms.Split('\n').Single(l => l.StartsWith(FailingVm, StringComparison.Ordinal)), Does.Contain("failing"));
        Assert.That(vms.Split('\n').Single(l => l.StartsWith("lab1", StringComparison.Ordinal)), Does.Contain("protected"));
        Assert.That(await VmFlowsAsync(FailingVm), Does.Contain("actions=drop"), "vm2 keeps its default-deny flows");
        Assert.That(await VmFlowsAsync(FailingVm), Does.Not.Contain("tp_dst=9100"));
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), Is.True, "lab1 still works");
    }

    [Test]
    [Order(10)]
    public async Task TheControlApiAnswersTheCliAndSetsPeriods()
    {
        var status = await CliAsync("status");
        Assert.That(status, Does.Contain("2"), status);
        Assert.That(await CliAsync("connections", "lab1"), Does.Contain("httpd").And.Contain("allow").And.Contain("nc").And.Contain("block"));
        await CliAsync("period", "lab1", "3");
        Assert.That((await CliAsync("vms")).Split('\n').Single(l => l.StartsWith("lab1", StringComparison.Ordinal)), Does.Contain(" 3"));
        await CliAsync("period", "lab1", "2");
        Assert.That(await CliAsync("reload"), Is.Not.Null);
    }

    [Test]
    [Order(11)]
    public async Task KillingAndRestartingTheDaemonOpensNoWindow()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var flowsBefore = await VmFlowsAsync("lab1");
        var reached = new List<string>();
        var packets = await _lab.CountTapPacketsAsync($"tcp port {LabLayout.NcListenPort}", async () =>
        {
            await _daemon.KillAsync();
            Assert.That(await VmFlowsAsync("lab1"), Is.EqualTo(flowsBefore), "the flows outlive the daemon");
            if (await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, LabLayout.NcListenPort, timeout.Token))
            {
                reached.Add("while dead");
            }

            _daemon = DaemonProcess.Start(_files.ConfigPath, Environment);
            var ready = _daemon.WaitReadyAsync(TimeSpan.FromMinutes(3));
            // Probe the blocked port all through the restart, each probe a couple of seconds at most.
            for (var i = 0; i < 60 && !ready.IsCompleted; i++)
            {
                if (await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, LabLayout.NcListenPort, timeout.Token))
                {
                    reached.Add($"restart probe {i}");
                }
            }

            await ready;
            if (await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, LabLayout.NcListenPort, timeout.Token))
            {
                reached.Add("after READY");
            }
        }, timeout.Token);
        Assert.That(reached, Is.Empty);
        Assert.That(packets, Is.Zero, "packets of port 7010 crossed the guest's tap");
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV6, 80, timeout.Token), Is.True, "httpd after the restart");
    }

    [Test]
    [Order(12)]
    public async Task StoppingTheDaemonLeavesTheRulesInForce()
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.That(await _daemon.StopAsync(TimeSpan.FromSeconds(30)), Is.Zero, _daemon.Stderr);
        Assert.That(_daemon.Notifications, Has.Some.Contains("STOPPING=1"));
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, 80, timeout.Token), Is.True);
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, LabLayout.NcListenPort, timeout.Token), Is.False);
    }

    private async Task<string> VmFlowsAsync(string vm) =>
        await _lab.Ovs.OfctlAsync("dump-flows", "--no-stats", $"cookie=0x{RuleCookie.ForVm(vm):x}/-1");

    private async Task<string> EdgeSetAsync(string kind) =>
        await _lab.Edge.NftAsync("list", "set", "inet", "alsafe", $"{kind}_lab-node");

    private async Task<string> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await ControlCommand.RunAsync(args[0], args[1..], stdout, stderr, _bus.Address);
        Assert.That(code, Is.Zero, $"alsafe {string.Join(' ', args)}: {stderr}");
        return stdout.ToString();
    }
}
