using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;
using AlSafe.Interop.Memory;
using AlSafe.Interop.Qmp;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection.RealGuest;

/// <summary>
/// Introspection of a real Debian kernel booted under QEMU, compared with the guest's own view of itself. Each
/// derived fixture boots its guest once; the tests here run against every one of them.
/// </summary>
[Category("Lab")]
[NonParallelizable]
public abstract partial class RealGuestTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    protected RealGuestSession Session { get; private set; } = null!;

    protected abstract LabGuestOptions Options { get; }

    protected abstract int ExpectedPagingLevels { get; }

    [OneTimeSetUp]
    public async Task BootAsync()
    {
        using var cts = new CancellationTokenSource(Budget);
        Session = await RealGuestSession.StartAsync(Options, cts.Token);
    }

    [OneTimeTearDown]
    public async Task ShutDownAsync()
    {
        if (Session is not null)
        {
            await Session.DisposeAsync();
        }
    }

    [Test]
    public async Task PausedIntrospectionEqualsTheGuestsOwnView()
    {
        var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
        var snapshot = await new Introspector([LabProfiles.Built])
            .IntrospectAsync(Session.Memory, new QmpGuestPauser(Session.Qmp), CancellationToken.None);

        Assert.That(snapshot.Paused, Is.True);
        Assert.That(snapshot.Timings.Pause, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(await Session.Qmp.QueryStatusAsync(CancellationToken.None), Is.EqualTo("running"), "the guest runs again");
        TruthAssert.Matches(snapshot, truth);
    }

    [Test]
    public async Task LiveIntrospectionEqualsTheGuestsOwnView()
    {
        var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
        var snapshot = new Introspector([LabProfiles.Built]).Introspect(Session.Memory);

        Assert.That(snapshot.Paused, Is.False);
        TruthAssert.Matches(snapshot, truth);
    }

    [Test]
    public async Task KernelFactsAgreeWithTheGuest()
    {
        var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
        var profile = LabProfiles.Built;
        var snapshot = new Introspector([profile]).Introspect(Session.Memory);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Kernel.PagingLevels, Is.EqualTo(ExpectedPagingLevels));
            Assert.That(snapshot.Kernel.Release, Is.EqualTo(truth.KernelRelease));
            Assert.That(
                unchecked(profile.Symbols["_text"] + snapshot.Kernel.VirtualSlide), Is.EqualTo(truth.KernelTextAddress),
                "runtime _text equals the guest's /proc/kallsyms");
        });
    }

    [Test]
    public async Task ProfileImportedFromVolatilitySymbolsGivesTheSameView()
    {
        Assume.That(LabAssets.KernelRelease, Is.EqualTo(LabAssets.DefaultKernel), "shared/data holds the ISF of the pinned kernel only");
        var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
        var snapshot = await new Introspector([LabProfiles.Imported])
            .IntrospectAsync(Session.Memory, new QmpGuestPauser(Session.Qmp), CancellationToken.None);

        Assert.That(snapshot.Kernel.ProfileSource, Is.EqualTo("isf"));
        TruthAssert.Matches(snapshot, truth);
    }

    [Test]
    public async Task Ipv6OnlyIsReadFromGuestMemoryForEachListener()
    {
        var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
        var built = new Introspector([LabProfiles.Built]).Introspect(Session.Memory);

        Assert.Multiple(() =>
        {
            Assert.That(Listener(built, LabLayout.HttpdPort).V6Only, Is.False, "busybox httpd binds [::]:80 dual-stack");
            Assert.That(Listener(built, LabLayout.TcpListen6Port).V6Only, Is.True, "tcp-listen6 sets IPV6_V6ONLY");
            Assert.That(Listener(built, LabLayout.TcpListenDualPort).V6Only, Is.False, "tcp-listen-dual leaves it clear");
            Assert.That(Listener(built, LabLayout.UdpBind6Port).V6Only, Is.True, "udp-bind6 sets IPV6_V6ONLY");
            Assert.That(Listener(built, LabLayout.TcpListenPort).V6Only, Is.Null, "an inet socket has no such flag");
            Assert.That(
                truth.Processes.SelectMany(p => p.Sockets).Where(s => s.Family == "inet6").Select(s => s.V6Only),
                Is.Not.Empty.And.All.Not.Null,
                "the guest told the flag of every inet6 socket, so the comparison with its view covers it");
        });

        if (LabAssets.KernelRelease == LabAssets.DefaultKernel)
        {
            var imported = new Introspector([LabProfiles.Imported]).Introspect(Session.Memory);
            Assert.That(
                imported.Processes.SelectMany(p => p.Sockets).Select(s => (s.Inode, s.V6Only)),
                Is.EquivalentTo(built.Processes.SelectMany(p => p.Sockets).Select(s => (s.Inode, s.V6Only))),
                "the profile imported from DWARF reads the same bit");
        }
    }

    [Test]
    public async Task SeveralProfilesPickTheOneOfTheRunningKernel()
    {
        var decoy = LabProfiles.Built with
        {
            Release = "6.1.0-99-amd64",
            Banner = LabProfiles.Built.Banner.Replace("6.1.0-56", "6.1.0-99", StringComparison.Ordinal),
        };
        var snapshot = new Introspector([decoy, LabProfiles.Built]).Introspect(Session.Memory);

        Assert.That(snapshot.Kernel.Release, Is.EqualTo(LabProfiles.Built.Release));
    }

    private static GuestSocket Listener(IntrospectionSnapshot snapshot, ushort port) =>
        snapshot.Processes.SelectMany(p => p.Sockets)
            .Single(s => s.LocalPort == port && s.State is SocketState.Listen or SocketState.Close);
}

public sealed class FourLevelPagingGuestTests : RealGuestTests
{
    protected override LabGuestOptions Options => new() { Name = "it-4level", MemoryMiB = 512 };

    protected override int ExpectedPagingLevels => 4;

    [Test]
    public async Task ElfCoreFromDumpGuestMemoryIntrospectsTheSame()
    {
        var core = Path.Combine(Path.GetTempPath(), $"alsafe-core-{Guid.NewGuid():N}.elf");
        try
        {
            var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
            await Session.Qmp.DumpGuestMemoryAsync(core, TimeSpan.FromSeconds(60), CancellationToken.None);
            using var memory = MappedGuestMemory.OpenElfCore(core);
            var snapshot = new Introspector([LabProfiles.Built]).Introspect(memory);

            TruthAssert.Matches(snapshot, truth);
        }
        finally
        {
            File.Delete(core);
        }
    }

    [Test]
    public async Task AServiceStartedLaterAppearsWithItsSocket()
    {
        await Session.Guest.RunAsync("start tcp-listen 8081", CancellationToken.None);
        var truth = await Session.Guest.RefreshTruthAsync(CancellationToken.None);
        var snapshot = new Introspector([LabProfiles.Built]).Introspect(Session.Memory);

        TruthAssert.Matches(snapshot, truth);
        Assert.That(
            snapshot.Processes.SelectMany(p => p.Sockets).Any(s => s.LocalPort == 8081 && s.State == SocketState.Listen),
            Is.True);
    }
}

public sealed class FiveLevelPagingGuestTests : RealGuestTests
{
    protected override LabGuestOptions Options => new() { Name = "it-5level", MemoryMiB = 512, FiveLevelPaging = true };

    protected override int ExpectedPagingLevels => 5;
}

/// <summary>3 GiB on q35 puts 1 GiB of RAM above 4 GiB: the file offset no longer equals the guest-physical address.</summary>
public sealed class ThreeGiBGuestTests : RealGuestTests
{
    protected override LabGuestOptions Options => new() { Name = "it-3gib", MemoryMiB = 3072 };

    protected override int ExpectedPagingLevels => 4;
}
