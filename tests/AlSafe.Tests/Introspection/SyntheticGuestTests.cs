using System.Net;
using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;
using AlSafe.TestSupport.Synthetic;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection;

/// <summary>A well-formed synthetic guest must introspect to exactly what was placed in it, whatever the paging mode,
/// KASLR slide, physical base and direct-map placement.</summary>
[TestFixture]
public sealed class SyntheticGuestTests
{
    private static readonly IPEndPoint AnyV4 = new(IPAddress.Any, 0);
    private static readonly IPEndPoint AnyV6 = new(IPAddress.IPv6Any, 0);

    public static IEnumerable<TestCaseData> Machines()
    {
        yield return new TestCaseData(new Func<SyntheticGuestBuilder>(() => new SyntheticGuestBuilder()))
            .SetName("{m}(4-level, no slide, 1 GiB direct map)");
        yield return new TestCaseData(new Func<SyntheticGuestBuilder>(() => new SyntheticGuestBuilder()
                .WithPagingLevels(5).WithKaslrSlide(0x1E60_0000).WithPhysicalBase(0x5A0_0000)
                .WithPageOffsetBase(0xFF4A_2B00_0000_0000).WithDirectMap2MiBPages()))
            .SetName("{m}(5-level, slide 0x1e600000, random page_offset_base, 2 MiB direct map)");
        yield return new TestCaseData(new Func<SyntheticGuestBuilder>(() => new SyntheticGuestBuilder()
                .WithKaslrSlide(0x2CE0_0000).WithPhysicalBase(0x3C00_0000)
                .WithPageOffsetBase(0xFFFF_A0C5_C000_0000).WithDirectMap2MiBPages().WithoutFiveLevelSymbol()))
            .SetName("{m}(4-level without __pgtable_l5_enabled, slide 0x2ce00000, _text at 960 MiB)");
        yield return new TestCaseData(new Func<SyntheticGuestBuilder>(() => new SyntheticGuestBuilder()
                .WithPagingLevels(5).WithKaslrSlide(0x3D00_0000).WithPhysicalBase(0x20_0000)))
            .SetName("{m}(5-level, largest slide, _text at 2 MiB, 1 GiB direct map)");
    }

    /// <summary>The scene every machine runs: kernel threads, a process per socket shape, paths that cross nested
    /// mounts and a name too long to live inside its dentry.</summary>
    internal static SyntheticGuestBuilder Scene(SyntheticGuestBuilder builder) => builder
        .AddMount("/opt")
        .AddMount("/opt/data")
        .AddProcess(
            1, "systemd", 0, "/usr/lib/systemd/systemd",
            SyntheticSocket.Unix(9001), SyntheticSocket.OfFamily(SyntheticSocket.AfNetlink, 9002))
        .AddKernelThread(2, "kthreadd")
        .AddKernelThread(3, "kworker/0:0H")
        .AddProcess(
            400, "sshd", 0, "/usr/sbin/sshd",
            SyntheticSocket.Tcp(new IPEndPoint(IPAddress.Any, 22), AnyV4, SocketState.Listen, 9100),
            SyntheticSocket.Tcp(new IPEndPoint(IPAddress.IPv6Any, 22), AnyV6, SocketState.Listen, 9101) with { V6Only = true },
            SyntheticSocket.Tcp(Ep("10.0.0.5", 22), Ep("10.0.0.9", 51514), SocketState.Established, 9102))
        .AddProcess(new SyntheticProcess(500, "app-server")
        {
            Uid = 1000,
            ParentPid = 400,
            ExePath = "/opt/app/bin/server",
            Sockets =
            [
                SyntheticSocket.Udp(Ep("0.0.0.0", 5353), AnyV4, SocketState.Close, 9200),
                SyntheticSocket.Tcp(Ep("::ffff:10.0.0.1", 8443), Ep("::ffff:10.0.0.2", 40000), SocketState.Established, 9201) with { Fd = 100 },
                SyntheticSocket.Unix(9202),
            ],
        })
        .AddProcess(new SyntheticProcess(501, "a-very-long-command-name")
        {
            Uid = 65534,
            ExePath = "/opt/data/tools/an-executable-whose-name-is-longer-than-the-inline-limit",
            Sockets = [SyntheticSocket.Tcp(Ep("2001:db8::1", 443), Ep("2001:db8::2", 65535), SocketState.SynSent, ulong.MaxValue)],
        })
        .AddProcess(new SyntheticProcess(502, "exe-less") { Uid = uint.MaxValue - 1 });

    [TestCaseSource(nameof(Machines))]
    public void Introspects_exactly_what_was_put_in(Func<SyntheticGuestBuilder> machine)
    {
        var guest = Scene(machine()).Build();

        var snapshot = new Introspector([guest.Profile]).Introspect(guest.Memory);

        Assert.That(snapshot.Kernel, Is.EqualTo(new GuestKernel(
            SyntheticProfile.Release, guest.Profile.BuildId, "synthetic",
            guest.PhysicalBase, guest.KaslrSlide, guest.PageOffsetBase, guest.PagingLevels)));
        Assert.That(snapshot.Processes.Select(p => p.Pid), Is.EqualTo(guest.Pids), "task-list order");
        foreach (var expected in Expected())
        {
            var actual = snapshot.Processes.Single(p => p.Pid == expected.Pid);
            Assert.That(actual with { Sockets = expected.Sockets }, Is.EqualTo(expected), $"pid {expected.Pid}");
            Assert.That(actual.Sockets, Is.EqualTo(expected.Sockets), $"sockets of pid {expected.Pid}");
        }
    }

    [TestCaseSource(nameof(Machines))]
    public void A_second_introspection_of_the_same_guest_agrees_with_the_first(Func<SyntheticGuestBuilder> machine)
    {
        var guest = Scene(machine()).Build();
        var introspector = new Introspector([guest.Profile]);

        var first = introspector.Introspect(guest.Memory);
        var second = introspector.Introspect(guest.Memory);

        Assert.That(second.Kernel, Is.EqualTo(first.Kernel));
        Assert.That(second.Processes.SelectMany(p => p.Sockets), Is.EqualTo(first.Processes.SelectMany(p => p.Sockets)));
    }

    [Test]
    public void The_ipv6only_flag_is_read_as_its_own_bit()
    {
        // The bits around skc_ipv6only are set in every socket (skc_reuse, skc_net_refcnt): reading the byte whole
        // would take every socket for IPv6-only.
        var guest = new SyntheticGuestBuilder()
            .AddProcess(1, "init", 0, "/sbin/init")
            .AddProcess(
                600, "server", 0, "/usr/sbin/server",
                SyntheticSocket.Tcp(new IPEndPoint(IPAddress.IPv6Any, 80), AnyV6, SocketState.Listen, 9300),
                SyntheticSocket.Tcp(new IPEndPoint(IPAddress.IPv6Any, 443), AnyV6, SocketState.Listen, 9301) with { V6Only = true },
                SyntheticSocket.Udp(new IPEndPoint(IPAddress.IPv6Any, 53), AnyV6, SocketState.Close, 9302),
                SyntheticSocket.Udp(new IPEndPoint(IPAddress.IPv6Any, 123), AnyV6, SocketState.Close, 9303) with { V6Only = true },
                SyntheticSocket.Tcp(new IPEndPoint(IPAddress.Any, 8080), AnyV4, SocketState.Listen, 9304))
            .Build();

        var sockets = new Introspector([guest.Profile]).Introspect(guest.Memory).Processes.Single(p => p.Pid == 600).Sockets;

        Assert.That(sockets.Select(s => (s.Inode, s.V6Only)), Is.EqualTo(new (ulong, bool?)[]
        {
            (9300, false), (9301, true), (9302, false), (9303, true), (9304, null),
        }));
    }

    [Test]
    public void A_profile_saved_before_the_ipv6only_flag_leaves_it_unknown()
    {
        var guest = Scene(new SyntheticGuestBuilder()).Build();
        var sockCommon = guest.Profile.Types["sock_common"];
        var types = new Dictionary<string, AlSafe.Core.Profiles.StructLayout>(guest.Profile.Types)
        {
            ["sock_common"] = sockCommon with { BitFields = new Dictionary<string, AlSafe.Core.Profiles.BitField>() },
        };

        var snapshot = new Introspector([guest.Profile with { Types = types }]).Introspect(guest.Memory);

        var sockets = snapshot.Processes.SelectMany(p => p.Sockets).ToList();
        Assert.That(sockets.Where(s => s.Family == SocketFamily.Inet6), Is.Not.Empty);
        Assert.That(sockets.Select(s => s.V6Only), Is.All.Null);
    }

    [Test]
    public void Finds_its_profile_among_others()
    {
        var guest = Scene(new SyntheticGuestBuilder().WithKaslrSlide(0x1000_0000)).Build();
        var decoy = SyntheticProfile.Create() with { Release = "6.1.0-decoy", Banner = "Linux version 6.1.0-decoy\n" };

        var snapshot = new Introspector([decoy, guest.Profile]).Introspect(guest.Memory);

        Assert.That(snapshot.Kernel.Release, Is.EqualTo(SyntheticProfile.Release));
        Assert.That(snapshot.Processes, Has.Count.EqualTo(7));
    }

    [Test]
    public void The_lab_scene_has_40_kernel_threads_and_20_processes()
    {
        var guest = SyntheticScenarios.Lab().Build();

        var snapshot = new Introspector([guest.Profile]).Introspect(guest.Memory);

        Assert.That(snapshot.Processes.Count(p => p.IsKernelThread), Is.EqualTo(40));
        Assert.That(snapshot.Processes.Where(p => p.IsKernelThread).Select(p => p.ExePath), Is.All.Null);
        Assert.That(snapshot.Processes.Count(p => !p.IsKernelThread), Is.EqualTo(20));
        Assert.That(snapshot.Processes.Single(p => p.Pid == 300).ExePath, Is.EqualTo("/opt/service0/bin/service0"));
    }

    [Test]
    public void Ten_thousand_processes_introspect_within_the_default_limits()
    {
        var guest = SyntheticLargeGuest.Instance;

        var snapshot = new Introspector([guest.Profile]).Introspect(guest.Memory);

        Assert.That(snapshot.Processes, Has.Count.EqualTo(SyntheticLargeGuest.ProcessCount));
        Assert.That(snapshot.Processes.Sum(p => p.Sockets.Count), Is.EqualTo(2 * SyntheticLargeGuest.ProcessCount));
        Assert.That(snapshot.Processes.Sum(p => p.OtherSockets), Is.EqualTo(SyntheticLargeGuest.ProcessCount));
        var last = snapshot.Processes[^1];
        Assert.That(last.ExePath, Is.EqualTo($"/usr/bin/worker{SyntheticLargeGuest.ProcessCount % 64}"));
        Assert.That(last.Sockets[1].RemoteAddress, Is.EqualTo(IPAddress.Parse("fd00::1")));
        TestContext.Out.WriteLine(
            $"walk {snapshot.Timings.Walk.TotalMilliseconds:F0} ms, {snapshot.Timings.PagesTouched} pages, " +
            $"image {guest.Memory.AllocatedBytes >> 20} MiB allocated of {guest.Memory.PhysicalLimit >> 20} MiB");
    }

    private static IEnumerable<GuestProcess> Expected()
    {
        yield return new GuestProcess(1, 1, 0, "systemd", 0, "/usr/lib/systemd/systemd", false, [], 2);
        yield return new GuestProcess(2, 2, 0, "kthreadd", 0, null, true, [], 0);
        yield return new GuestProcess(3, 3, 2, "kworker/0:0H", 0, null, true, [], 0);
        yield return new GuestProcess(400, 400, 1, "sshd", 0, "/usr/sbin/sshd", false,
        [
            new GuestSocket(3, 9100, SocketFamily.Inet, SocketProtocol.Tcp, IPAddress.Any, 22, IPAddress.Any, 0, SocketState.Listen),
            new GuestSocket(4, 9101, SocketFamily.Inet6, SocketProtocol.Tcp, IPAddress.IPv6Any, 22, IPAddress.IPv6Any, 0, SocketState.Listen, V6Only: true),
            new GuestSocket(
                5, 9102, SocketFamily.Inet, SocketProtocol.Tcp,
                IPAddress.Parse("10.0.0.5"), 22, IPAddress.Parse("10.0.0.9"), 51514, SocketState.Established),
        ], 0);
        yield return new GuestProcess(500, 500, 400, "app-server", 1000, "/opt/app/bin/server", false,
        [
            new GuestSocket(3, 9200, SocketFamily.Inet, SocketProtocol.Udp, IPAddress.Any, 5353, IPAddress.Any, 0, SocketState.Close),
            new GuestSocket(
                100, 9201, SocketFamily.Inet6, SocketProtocol.Tcp,
                IPAddress.Parse("::ffff:10.0.0.1"), 8443, IPAddress.Parse("::ffff:10.0.0.2"), 40000, SocketState.Established, V6Only: false),
        ], 1);
        yield return new GuestProcess(
            501, 501, 1, "a-very-long-com", 65534,
            "/opt/data/tools/an-executable-whose-name-is-longer-than-the-inline-limit", false,
            [
                new GuestSocket(
                    3, ulong.MaxValue, SocketFamily.Inet6, SocketProtocol.Tcp,
                    IPAddress.Parse("2001:db8::1"), 443, IPAddress.Parse("2001:db8::2"), 65535, SocketState.SynSent, V6Only: false),
            ], 0);
        yield return new GuestProcess(502, 502, 1, "exe-less", uint.MaxValue - 1, null, false, [], 0);
    }

    private static IPEndPoint Ep(string address, int port) => new(IPAddress.Parse(address), port);
}
