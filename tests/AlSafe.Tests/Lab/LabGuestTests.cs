using System.Net;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Lab;

/// <summary>
/// Smoke test of the lab itself: a real guest boots, its truth lists the owners that tests/lab/guest/init starts,
/// and the command channel changes the guest. One shared 4-level guest; the KASLR test boots one 5-level guest more.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class LabGuestTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private LabGuest _guest = null!;

    [OneTimeSetUp]
    public async Task StartGuest()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        _guest = await LabGuest.StartAsync(new LabGuestOptions { Name = "lab-smoke" }, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGuest()
    {
        if (_guest is not null)
            await _guest.DisposeAsync();
    }

    private GuestTruth Truth => _guest.Truth;

    private IEnumerable<(TruthProcess Owner, TruthSocket Socket)> Sockets =>
        Truth.Processes.SelectMany(p => p.Sockets.Select(s => (p, s)));

    private TruthProcess ListenerOwner(string protocol, ushort port) =>
        Sockets.Single(x => x.Socket.Protocol == protocol && x.Socket.LocalPort == port &&
                            x.Socket.State is LabLayout.StateListen or LabLayout.StateClose).Owner;

    [Test]
    public void TheGuestDescribesItsFiles()
    {
        Assert.That(File.Exists(_guest.MemoryPath), Is.True);
        Assert.That((ulong)new FileInfo(_guest.MemoryPath).Length, Is.EqualTo(_guest.MemorySize));
        Assert.That(File.Exists(_guest.QmpSocket), Is.True);
        Assert.That(_guest.Machine, Is.EqualTo("q35"));
    }

    [Test]
    public void TheHeaderNamesTheKernelAndItsRandomisedBase()
    {
        Assert.That(Truth.KernelRelease, Is.EqualTo(LabAssets.KernelRelease));
        Assert.That(Truth.KernelTextAddress, Is.GreaterThanOrEqualTo(0xffffffff80000000UL));
        Assert.That(Truth.KernelTextAddress % (2 * 1024 * 1024), Is.Zero, "KASLR moves the kernel in 2 MiB steps");
    }

    [Test]
    public void TheTruthProcessIsNamedButNotListed()
    {
        Assert.That(Truth.TruthPid, Is.GreaterThan(1));
        Assert.That(Truth.Processes.Select(p => p.Pid), Does.Not.Contain(Truth.TruthPid));
        Assert.That(Truth.Processes.Single(p => p.Pid == 1).Exe, Is.EqualTo("/bin/busybox"));
        Assert.That(Truth.Processes.Where(p => p.ParentPid == 2), Is.Not.Empty, "kernel threads are listed");
    }

    [Test]
    public void BusyboxServersListen()
    {
        Assert.That(ListenerOwner("tcp", LabLayout.HttpdPort).Comm, Is.EqualTo("httpd"));
        Assert.That(ListenerOwner("tcp", LabLayout.NcListenPort).Comm, Is.EqualTo("nc"));
    }

    [Test]
    public void ListenersOfEachFamilyAreOwned()
    {
        var v4 = Sockets.Single(x => x.Socket.LocalPort == LabLayout.TcpListenPort && x.Socket.State == LabLayout.StateListen);
        Assert.That(v4.Socket.Family, Is.EqualTo("inet"));
        Assert.That(v4.Socket.LocalAddress, Is.EqualTo(IPAddress.Any));
        Assert.That(v4.Owner.Exe, Is.EqualTo(LabLayout.HelperExecutable));

        var v6 = Sockets.Single(x => x.Socket.LocalPort == LabLayout.TcpListen6Port && x.Socket.State == LabLayout.StateListen);
        Assert.That(v6.Socket.Family, Is.EqualTo("inet6"));
        Assert.That(v6.Socket.LocalAddress, Is.EqualTo(IPAddress.IPv6Any));

        var dual = Sockets.Single(x => x.Socket.LocalPort == LabLayout.TcpListenDualPort && x.Socket.State == LabLayout.StateListen);
        Assert.That(dual.Socket.Family, Is.EqualTo("inet6"));
    }

    [Test]
    public void UdpSocketsAreBoundAndConnected()
    {
        var bound = Sockets.Single(x => x.Socket.Protocol == "udp" && x.Socket.LocalPort == LabLayout.UdpBindPort);
        Assert.That(bound.Socket.State, Is.EqualTo(LabLayout.StateClose));
        Assert.That(bound.Socket.Family, Is.EqualTo("inet"));

        var connected = Sockets.Single(x => x.Socket.Protocol == "udp" && x.Socket.RemotePort == LabLayout.UdpBindPort);
        Assert.That(connected.Socket.State, Is.EqualTo(LabLayout.StateEstablished));
        Assert.That(connected.Socket.RemoteAddress, Is.EqualTo(IPAddress.Loopback));
        Assert.That(connected.Owner.Pid, Is.Not.EqualTo(bound.Owner.Pid));

        var bound6 = Sockets.Single(x => x.Socket.Protocol == "udp" && x.Socket.LocalPort == LabLayout.UdpBind6Port);
        Assert.That(bound6.Socket.Family, Is.EqualTo("inet6"));
    }

    [TestCase(LabLayout.TcpListenPort, "127.0.0.1")]
    [TestCase(LabLayout.TcpListen6Port, "::1")]
    [TestCase(LabLayout.TcpListenDualPort, "::ffff:192.0.2.10")]
    public void InGuestClientPairsAreEstablishedOnBothEnds(ushort port, string serverSeesPeer)
    {
        var listener = ListenerOwner("tcp", port);
        var client = Sockets.Single(x => x.Socket.Protocol == "tcp" && x.Socket.RemotePort == port);
        Assert.That(client.Socket.State, Is.EqualTo(LabLayout.StateEstablished));

        var server = Sockets.Single(x => x.Socket.Protocol == "tcp" && x.Socket.LocalPort == port &&
                                         x.Socket.RemotePort == client.Socket.LocalPort);
        Assert.That(server.Socket.State, Is.EqualTo(LabLayout.StateEstablished));
        Assert.That(server.Owner.Pid, Is.EqualTo(listener.Pid), "the listener accepted and holds the server end");
        Assert.That(server.Socket.RemoteAddress, Is.EqualTo(IPAddress.Parse(serverSeesPeer)));
        Assert.That(client.Owner.Pid, Is.Not.EqualTo(listener.Pid));
    }

    [Test]
    public void TwoWorkersShareACommButNotAnExecutable()
    {
        var workers = Truth.Processes.Where(p => p.Comm == LabLayout.WorkerComm).ToList();
        Assert.That(workers.Select(p => p.Exe),
            Is.EquivalentTo(new[] { LabLayout.WorkerExecutable, LabLayout.TenantWorkerExecutable }));
        Assert.That(ListenerOwner("tcp", LabLayout.WorkerPort).Exe, Is.EqualTo(LabLayout.WorkerExecutable));
        Assert.That(ListenerOwner("tcp", LabLayout.TenantWorkerPort).Exe, Is.EqualTo(LabLayout.TenantWorkerExecutable));
    }

    [Test]
    public void OneOwnerRunsAsANonRootUser()
    {
        Assert.That(ListenerOwner("tcp", LabLayout.NonRootPort).Uid, Is.EqualTo(LabLayout.NonRootUid));
        Assert.That(Truth.Processes.Single(p => p.Pid == 1).Uid, Is.Zero);
    }

    [Test]
    public void UnixSocketsAreCountedApart()
    {
        var pair = Truth.Processes.Where(p => p.OtherSockets == 2 && p.Sockets.Count == 0);
        Assert.That(pair.Select(p => p.Comm), Is.EqualTo(new[] { LabLayout.HelperComm }));
    }

    [Test]
    public async Task ACommandAddsAnOwnerAndAnotherRemovesIt()
    {
        const ushort port = 8081;
        using var timeout = new CancellationTokenSource(CommandTimeout);
        Assert.That(Sockets.Any(x => x.Socket.LocalPort == port), Is.False);

        await _guest.RunAsync($"start tcp-listen {port}", timeout.Token);
        var after = await _guest.RefreshTruthAsync(timeout.Token);
        var owner = after.Processes.Single(p => p.Sockets.Any(s => s.LocalPort == port && s.State == LabLayout.StateListen));
        Assert.That(owner.Exe, Is.EqualTo(LabLayout.HelperExecutable));
        Assert.That(after.TruthPid, Is.Not.EqualTo(Truth.TruthPid));

        await _guest.RunAsync($"kill {owner.Pid}", timeout.Token);
        var gone = await _guest.RefreshTruthAsync(timeout.Token);
        Assert.That(gone.Processes.Select(p => p.Pid), Does.Not.Contain(owner.Pid));
    }

    [Test]
    public void AFailingCommandThrows()
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        Assert.ThrowsAsync<LabException>(() => _guest.RunAsync("no-such-command", timeout.Token));
    }

    [Test]
    public async Task AnotherBootMovesTheKernelAndFiveLevelPagingBoots()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var texts = new List<ulong> { Truth.KernelTextAddress };
        // One slot in a few hundred repeats by chance: a third boot makes a false alarm negligible.
        for (var boot = 0; boot < 2 && texts.Distinct().Count() == 1; boot++)
        {
            await using var other = await LabGuest.StartAsync(new LabGuestOptions
            {
                Name = $"lab-smoke-kaslr{boot}",
                FiveLevelPaging = true,
            }, timeout.Token);
            Assert.That(other.Truth.Processes.Single(p => p.Pid == 1).Comm, Is.EqualTo("init"));
            texts.Add(other.Truth.KernelTextAddress);
        }
        Assert.That(texts.Distinct().Count(), Is.GreaterThan(1), "KASLR placed every boot at the same _text");
    }
}
