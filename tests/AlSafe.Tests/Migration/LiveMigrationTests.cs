using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Core.Rules.Switch;
using AlSafe.TestSupport.Lab;
using AlSafe.TestSupport.Net;
using NUnit.Framework;

namespace AlSafe.Tests.Migration;

/// <summary>
/// A real QEMU live migration (TCG, QMP <c>migrate</c> to a destination started with <c>-incoming</c>) between the two
/// nodes of a <see cref="TwoNodeLab"/>, each with its own <c>alsafe run</c> on its own bus, with AL-SAFE's hand-off
/// driven by tests/lab/migrate.sh. A client on the neighbour keeps connecting to an allowed service of the guest (httpd
/// over IPv6) and another keeps trying a port the whitelist does not name (nc on 7010 over IPv6), before, during and
/// after the migration. The tests run in
/// order on one lab.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class LiveMigrationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly string MigrateScript = Path.Combine(LabAssets.RepositoryRoot, "tests", "lab", "migrate.sh");

    private static readonly string Whitelist = """
        # vm	process	user	proto	direction	local_port	remote	remote_port
        lab1	httpd	0	tcp	in	80	*	*
        lab1	/bin/alsafe-guest	0	tcp	in	7001-7003	*	*

        """.Replace("        ", "", StringComparison.Ordinal);

    private TwoNodeLab _lab = null!;
    private TwoNodeDaemons _daemons = null!;
    private string _cli = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (TwoNodeDaemons.Unsupported() is { } reason)
        {
            Assert.Ignore(reason);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        _lab = await TwoNodeLab.StartAsync(new TwoNodeLabOptions { Guest = new LabGuestOptions { Name = "migrate-lab1" } }, timeout.Token);
        _daemons = await TwoNodeDaemons.StartAsync(_lab, Whitelist, timeout.Token);
        _cli = WriteCliWrapper();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_daemons is not null)
        {
            await _daemons.DisposeAsync();
        }

        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    [Test]
    [Order(1)]
    public async Task ATamperedExportIsRefusedAndACancelledExportResumesIntrospection()
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.That(await Poll.UntilAsync(async () => await _daemons.VmStateAsync(0, NodeLab.GuestVm) == "protected", timeout.Token), Is.True,
            "lab1 is protected on node 1 before anything");
        var file = Path.Combine(_lab.Directory, "tamper.state");
        await _daemons.CliAsync(0, "vm", "export", NodeLab.GuestVm, "--output", file);
        var tampered = Path.Combine(_lab.Directory, "tampered.state");
        await File.WriteAllTextAsync(tampered, Tamper(await File.ReadAllTextAsync(file)));

        var (code, _, error) = await _daemons.RunCliAsync(1, "vm", "import", tampered);
        TestContext.Out.WriteLine($"alsafe vm import (tampered): exit {code}: {error}");
        Assert.That(code, Is.EqualTo(1), "the tampered hand-off is refused");
        Assert.That(await _daemons.CliAsync(1, "vms"), Does.Not.Contain(NodeLab.GuestVm), "node 2 took nothing of it");

        await _daemons.CliAsync(0, "vm", "resume", NodeLab.GuestVm);
        Assert.That(await Poll.UntilAsync(async () => await _daemons.VmStateAsync(0, NodeLab.GuestVm) == "protected", timeout.Token), Is.True,
            "node 1 introspects lab1 again after the cancelled export");
        Assert.That(await _lab.Node1.TcpFromNeighbourAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), Is.True);
    }

    [Test]
    [Order(2)]
    public async Task ALiveMigrationKeepsTheAllowedServiceAndNeverLetsTheBlockedPortAnswer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        Assert.That(await Poll.UntilAsync(() => _lab.Node1.TcpFromNeighbourAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token),
            timeout.Token), Is.True, "7001 answers the neighbour before the migration");
        await using var migration = await GuestMigration.StartDestinationAsync(_lab, timeout.Token);

        var neighbour = _lab.Node1.Neighbour.Namespace.Name;
        IReadOnlyList<(TimeSpan End, bool Connected)> allowed = [];
        IReadOnlyList<(TimeSpan End, bool Connected)> blocked = [];
        CommandResult? script = null;
        var packets = await _lab.CountGuestPacketsAsync($"tcp dst port {LabLayout.NcListenPort}", async () =>
        {
            // httpd forks per connection; the helper's listeners stop accepting after 64 connections.
            await using var allowedLoop = HandshakeLoop.Start(neighbour, NodeLab.GuestV6, LabLayout.HttpdPort);
            await using var blockedLoop = HandshakeLoop.Start(neighbour, NodeLab.GuestV6, LabLayout.NcListenPort);
            await Task.Delay(Settle, timeout.Token);
            script = await NetCommand.RunAsync("bash", MigrateArguments(migration), TimeSpan.FromMinutes(5), timeout.Token, input: "");
            if (script.Succeeded)
            {
                await migration.RemoveSourceAsync(timeout.Token);
                await Poll.UntilAsync(async () => await _daemons.VmStateAsync(1, NodeLab.GuestVm) == "protected", timeout.Token);
            }

            await Task.Delay(Settle, timeout.Token);
            allowed = await allowedLoop.StopAsync();
            blocked = await blockedLoop.StopAsync();
        }, timeout.Token);

        TestContext.Out.WriteLine($"migrate.sh: exit {script!.ExitCode}\n{script.Output}{script.Error}");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"allowed service: {allowed.Count} tries, {allowed.Count(t => !t.Connected)} failed, longest gap {HandshakeLoop.LongestGap(allowed).TotalMilliseconds:0} ms"));
        TestContext.Out.WriteLine("tries ('+' connected, '.' not), each ending at: " + string.Join(' ',
            allowed.Select(t => string.Create(CultureInfo.InvariantCulture, $"{(t.Connected ? '+' : '.')}{t.End.TotalSeconds:0.0}"))));
        Assert.That(script.ExitCode, Is.Zero, "migrate.sh");
        Assert.That(await _daemons.VmStateAsync(1, NodeLab.GuestVm), Is.EqualTo("protected"), "node 2 introspects the migrated guest");
        Assert.That(blocked, Is.Not.Empty);
        Assert.That(blocked.Where(t => t.Connected), Is.Empty, "the port the whitelist does not name answered");
        Assert.That(packets, Is.EqualTo((0, 0)), "packets to that port crossed a guest tap (node 1, node 2)");
        Assert.That(allowed, Is.Not.Empty);
        Assert.That(allowed[^1].Connected, Is.True, "the allowed service answers again after the migration");

        await migration.RunAsync("truth", timeout.Token);
        Assert.That(await VmFlowsAsync(_lab.Node1.Ovs), Is.Empty, "node 1 withdrew lab1's flows");
        Assert.That(await VmFlowsAsync(_lab.Node2Ovs), Does.Contain($"tp_dst={LabLayout.TcpListenPort}"), "node 2 enforces lab1's grants");
        Assert.That(await _lab.Node1.TcpFromNeighbourAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), Is.True,
            "7001 answers the neighbour on node 1 after the migration");
        Assert.That(await EdgeSetAsync(TwoNodeLab.Node1Name), Does.Not.Contain("192.0.2.10"), "node 1's edge elements for lab1 are gone");
        Assert.That(await EdgeSetAsync(TwoNodeLab.Node2Name), Does.Contain($"192.0.2.10 . tcp . {LabLayout.TcpListenPort} "));
        Assert.That(await _lab.Node1.TcpFromOutsideAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), Is.True,
            "7001 answers from outside, through the edge and both bridges");
        Assert.That(await _lab.Node1.TcpFromOutsideAsync(NodeLab.GuestV4, LabLayout.NcListenPort, timeout.Token), Is.False,
            "7010 stays closed from outside");
    }

    private List<string> MigrateArguments(GuestMigration migration) =>
    [
        MigrateScript,
        "--vm", NodeLab.GuestVm,
        "--source-bus", _daemons.Buses[0].Address,
        "--dest-bus", _daemons.Buses[1].Address,
        "--source-qmp", migration.SourceQmpSocket,
        "--uri", migration.IncomingUri,
        "--descriptor", _lab.DestinationDescriptorPath,
        "--tenant", NodeLab.Tenant,
        "--memory", migration.MemoryPath,
        "--qmp", migration.QmpSocket,
        "--addresses", $"{NodeLab.GuestV4},{NodeLab.GuestV6}",
        "--alsafe", _cli,
        "--dest-switch", _lab.Node2Ovs.ManagementSocket,
        "--cookie", $"0x{RuleCookie.ForVm(NodeLab.GuestVm):x}",
        "--timeout", "120",
    ];

    // The script runs the CLI as an executable, as on a node where the package put /usr/bin/alsafe.
    private string WriteCliWrapper()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the lab runs on Linux only");
        }

        var path = Path.Combine(_lab.Directory, "alsafe");
        File.WriteAllText(path, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "alsafe.dll")}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The hand-off with its payload changed as an attacker would (a granted port turned into the blocked
    /// one, or else one byte flipped) and its MAC kept.</summary>
    private static string Tamper(string handoff)
    {
        var envelope = JsonNode.Parse(handoff)!.AsObject();
        var payload = Convert.FromBase64String(envelope["payload"]!.GetValue<string>());
        var text = Encoding.UTF8.GetString(payload);
        var changed = text.Contains("7001", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes(text.Replace("7001", "7010", StringComparison.Ordinal))
            : payload.Select((b, i) => i == payload.Length / 2 ? (byte)(b ^ 1) : b).ToArray();
        envelope["payload"] = Convert.ToBase64String(changed);
        return envelope.ToJsonString();
    }

    private static async Task<string> VmFlowsAsync(AlSafe.TestSupport.Ovs.OvsInstance ovs) =>
        string.Join('\n', (await ovs.OfctlAsync("dump-flows", "--no-stats", $"cookie=0x{RuleCookie.ForVm(NodeLab.GuestVm):x}/-1"))
            .Split('\n').Where(l => l.Contains("actions=", StringComparison.Ordinal)));

    private async Task<string> EdgeSetAsync(string node) =>
        await _lab.Node1.Edge.NftAsync("list", "set", "inet", "alsafe", $"svc4_{node}");
}
