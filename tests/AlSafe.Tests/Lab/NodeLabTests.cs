using System.Net;
using AlSafe.Core.Profiles;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Lab;

/// <summary>
/// The node lab itself, without AL-SAFE: the bridge is a plain learning switch and the edge has no nftables table, so
/// the guest's servers answer the neighbour and the outside world, and the tap sees what reaches the guest. One lab
/// with a booted guest and one namespace VM for the whole fixture; one test builds a guestless lab of its own.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class NodeLabTests
{
    private const ushort NamespaceVmPort = 9000;
    private const ushort UdpEchoPort = 7006;
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    private static readonly NodeLabNamespaceVm Lab2 =
        new("lab2", MacAddress.Parse("52:54:00:a1:5a:11"), IPAddress.Parse("192.0.2.11"), IPAddress.Parse("fd00:a15a::11"));

    private NodeLab _lab = null!;

    [OneTimeSetUp]
    public async Task StartLabAsync()
    {
        if (NodeLab.Unsupported() is { } reason)
            Assert.Ignore(reason);
        // The first run may fetch the kernel and build the initramfs before the boot.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        _lab = await NodeLab.StartAsync(new NodeLabOptions
        {
            Guest = new LabGuestOptions { Name = "node-lab-tests" },
            NamespaceVms = [Lab2],
        }, timeout.Token);
        await _lab.NamespaceVms[Lab2.Name].StartTcpEchoServerAsync(NamespaceVmPort, timeout.Token);
        await _lab.Guest.RunAsync($"start udp-echo {UdpEchoPort}", timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopLabAsync()
    {
        if (_lab is not null)
            await _lab.DisposeAsync();
    }

    [TestCase("192.0.2.10", LabLayout.HttpdPort)]
    [TestCase("fd00:a15a::10", LabLayout.HttpdPort)]
    [TestCase("192.0.2.10", LabLayout.TcpListenPort)]
    [TestCase("fd00:a15a::10", LabLayout.TcpListen6Port)]
    public async Task TheNeighbourReachesTheGuestsServers(string address, ushort port)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        Assert.That(await _lab.TcpFromNeighbourAsync(IPAddress.Parse(address), port, timeout.Token), Is.True);
    }

    [TestCase("192.0.2.10", LabLayout.HttpdPort)]
    [TestCase("fd00:a15a::10", LabLayout.HttpdPort)]
    [TestCase("192.0.2.10", LabLayout.TcpListenPort)]
    [TestCase("fd00:a15a::10", LabLayout.TcpListen6Port)]
    public async Task TheOutsideReachesTheGuestsServersThroughTheEdge(string address, ushort port)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        Assert.That(await _lab.TcpFromOutsideAsync(IPAddress.Parse(address), port, timeout.Token), Is.True);
    }

    [Test]
    public async Task AProbeToAPortNobodyListensOnFails()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        Assert.That(await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, 7999, timeout.Token), Is.False);
        Assert.That(await _lab.TcpFromNeighbourAsync(NodeLab.GuestV6, 7999, timeout.Token), Is.False);
    }

    [Test]
    public async Task TheEdgeRoutesWithNoRulesAndAcceptsTheClientKeyFromTheRootNamespace()
    {
        Assert.That((await _lab.Edge.NftAsync("list", "ruleset")).Trim(), Is.Empty);
        var (exitCode, error) = await _lab.Edge.FreshSshNftAsync("list ruleset\n");
        Assert.That(exitCode, Is.Zero, error);
    }

    [Test]
    public async Task UdpEchoesComeBackFromTheGuest()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        Assert.That(await _lab.UdpFromOutsideAsync(NodeLab.GuestV4, UdpEchoPort, timeout.Token), Is.True, "IPv4 from outside");
        Assert.That(await _lab.UdpFromOutsideAsync(NodeLab.GuestV6, UdpEchoPort, timeout.Token), Is.True, "IPv6 from outside");
        Assert.That(await _lab.UdpFromNeighbourAsync(NodeLab.GuestV4, UdpEchoPort, timeout.Token), Is.True, "IPv4 from the neighbour");
        Assert.That(await _lab.UdpFromOutsideAsync(NodeLab.GuestV4, UdpEchoPort + 1, timeout.Token), Is.False, "a port without an echo");
    }

    [Test]
    public async Task TheTapCountsTheSynsOfAProbeAndNothingElse()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var connected = false;
        var syns = await _lab.CountTapPacketsAsync("tcp dst port 7001 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
            async () => connected = await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), timeout.Token);
        Assert.That(connected, Is.True);
        Assert.That(syns, Is.GreaterThanOrEqualTo(1), "the SYN to the guest crossed its tap");

        var others = await _lab.CountTapPacketsAsync("tcp port 7998",
            async () => await _lab.TcpFromOutsideAsync(NodeLab.GuestV4, LabLayout.TcpListenPort, timeout.Token), timeout.Token);
        Assert.That(others, Is.Zero, "no packet of another port");
    }

    [Test]
    public async Task ACommNameStandsBesideTheRealExecutableAndUser()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await _lab.Guest.RunAsync("start comm httpd as-uid 1000 tcp-listen 7040", timeout.Token);
        await _lab.Guest.RunAsync("start as-uid 0 comm worker tcp-listen 7041", timeout.Token);
        var truth = await _lab.Guest.RefreshTruthAsync(timeout.Token);

        TruthProcess Owner(ushort port) => truth.Processes.Single(p => p.Sockets.Any(s => s.LocalPort == port && s.State == LabLayout.StateListen));
        Assert.That((Owner(7040).Comm, Owner(7040).Exe, Owner(7040).Uid), Is.EqualTo(("httpd", LabLayout.HelperExecutable, 1000u)));
        Assert.That((Owner(7041).Comm, Owner(7041).Exe, Owner(7041).Uid), Is.EqualTo(("worker", LabLayout.HelperExecutable, 0u)));
        Assert.ThrowsAsync<LabException>(() => _lab.Guest.RunAsync("start comm a-name-of-16-bytes idle", timeout.Token),
            "a name the kernel would cut is refused");
    }

    [Test]
    public async Task PortsCarryTheirVmsIdsAndTheBridgeSwitchesNormally()
    {
        var ovs = _lab.Ovs;
        Assert.That(await ovs.VsctlAsync("get", "interface", NodeLab.GuestTap, "external_ids:alsafe-vm"), Does.Contain(NodeLab.GuestVm));
        Assert.That(await ovs.VsctlAsync("get", "interface", NodeLab.GuestTap, "external_ids:attached-mac"),
            Does.Contain(NodeLab.GuestMac.ToString()));
        Assert.That((await ovs.VsctlAsync("get", "interface", NodeLab.GuestTap, "ofport")).Trim(), Is.EqualTo($"{NodeLab.GuestOfPort}"));
        Assert.That(await ovs.VsctlAsync("--bare", "--columns=external_ids", "find", "interface", $"ofport={NodeLab.FirstNamespaceVmOfPort}"),
            Does.Contain($"alsafe-vm={Lab2.Name}"));
        Assert.That(await ovs.VsctlAsync("--bare", "--columns=external_ids", "find", "interface", $"ofport={NodeLab.NeighbourOfPort}"),
            Does.Not.Contain("alsafe-vm"), "the neighbour is unprotected");
        Assert.That((await ovs.VsctlAsync("get-fail-mode", NodeLab.Bridge)).Trim(), Is.EqualTo("standalone"));
        Assert.That(await ovs.OfctlAsync("dump-flows"), Does.Contain("actions=NORMAL"));
    }

    [Test]
    public async Task ANamespaceVmIsOnTheBridgeAndRoutedThroughTheEdge()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        Assert.That(await _lab.TcpFromOutsideAsync(Lab2.V4, NamespaceVmPort, timeout.Token), Is.True, "IPv4 from outside");
        Assert.That(await _lab.TcpFromOutsideAsync(Lab2.V6, NamespaceVmPort, timeout.Token), Is.True, "IPv6 from outside");
        Assert.That(await _lab.TcpFromNeighbourAsync(Lab2.V4, NamespaceVmPort, timeout.Token), Is.True, "from the neighbour");
    }

    [Test]
    public void TheDaemonsFilesArePrivateAndDescribeTheLab()
    {
        var whitelist = File.ReadAllText(Path.Combine(LabAssets.RepositoryRoot, "tests", "lab", "whitelist.d", "lab.tsv"));
        var files = _lab.WriteDaemonConfig(whitelist, new NodeLabDaemonOptions
        {
            BusAddress = "unix:path=/run/alsafe-test/bus",
            Period = TimeSpan.FromMilliseconds(500),
            IncludeNamespaceVms = true,
        });

        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        foreach (var directory in new[] { files.WhitelistDirectory, files.VmsDirectory, files.ProfilesDirectory })
            Assert.That(new DirectoryInfo(directory).UnixFileMode, Is.EqualTo(Private | UnixFileMode.UserExecute), directory);
        foreach (var file in new[] { files.ConfigPath, files.WhitelistPath }.Concat(files.VmDescriptors.Values)
                     .Concat(Directory.GetFiles(files.ProfilesDirectory)))
            Assert.That(new FileInfo(file).UnixFileMode, Is.EqualTo(Private), file);

        var config = File.ReadAllText(files.ConfigPath);
        Assert.That(config, Does.Contain($"management_socket = {_lab.Ovs.ManagementSocket}\n"));
        Assert.That(config, Does.Contain("period = 500ms\n"));
        Assert.That(config, Does.Contain($"host = {_lab.Edge.EdgeAddress}\n"));
        Assert.That(config, Does.Contain("protected_prefixes = 192.0.2.0/24, fd00:a15a::/64\n"));
        Assert.That(config, Does.Contain("bus = unix:path=/run/alsafe-test/bus\n"));

        Assert.That(files.VmDescriptors.Keys, Is.EquivalentTo(new[] { NodeLab.GuestVm, Lab2.Name }));
        var guest = File.ReadAllText(files.VmDescriptors[NodeLab.GuestVm]);
        Assert.That(guest, Does.Contain($"memory = {_lab.Guest.MemoryPath}\n"));
        Assert.That(guest, Does.Contain($"qmp = {_lab.Guest.QmpSocket}\n"));
        Assert.That(guest, Does.Contain("addresses = 192.0.2.10, fd00:a15a::10\n"));

        Assert.That(WhitelistDirectory.LoadFile(files.WhitelistPath).IsValid, Is.True);
        Assert.That(ProfileCatalog.LoadDirectory(files.ProfilesDirectory, note => Assert.Fail(note)).Single().Release, Is.EqualTo(LabAssets.KernelRelease));
    }

    [Test]
    public async Task ALabWithoutAGuestStillRoutesItsNamespaces()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var lab = await NodeLab.StartAsync(new NodeLabOptions { Guest = null }, timeout.Token);
        Assert.That(lab.HasGuest, Is.False);
        Assert.That(await lab.TcpFromNeighbourAsync(NodeLab.Outside4, 8443, timeout.Token), Is.True, "the edge's outside server, over IPv4");
        Assert.ThrowsAsync<InvalidOperationException>(() => lab.CountTapPacketsAsync("tcp", () => Task.CompletedTask, timeout.Token));
        Assert.That(lab.WriteDaemonConfig("", new NodeLabDaemonOptions { BusAddress = "none" }).VmDescriptors, Is.Empty);
    }
}
