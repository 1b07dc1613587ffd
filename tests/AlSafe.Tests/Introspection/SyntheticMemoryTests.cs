using AlSafe.Core.Profiles;
using AlSafe.TestSupport.Synthetic;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection;

/// <summary>The synthetic image machinery itself: sparse memory, the profile and the builder's refusals.</summary>
[TestFixture]
public sealed class SyntheticMemoryTests
{
    [Test]
    public void Unwritten_memory_reads_as_zeros_and_writes_cross_chunks()
    {
        var memory = new ArrayPhysicalMemory(1UL << 20);
        var pattern = Enumerable.Range(1, 300).Select(i => (byte)i).ToArray();
        var address = (256UL << 10) - 100;

        memory.Write(address, pattern);

        var back = new byte[400];
        Assert.That(memory.TryRead(address - 50, back), Is.True);
        Assert.That(back.Take(50), Is.All.Zero);
        Assert.That(back.Skip(50).Take(300), Is.EqualTo(pattern));
        Assert.That(back.Skip(350), Is.All.Zero);
    }

    [Test]
    public void Reads_beyond_the_limit_fail_without_wrapping()
    {
        var memory = new ArrayPhysicalMemory(4096);

        Assert.That(memory.TryRead(4090, new byte[6]), Is.True);
        Assert.That(memory.TryRead(4090, new byte[7]), Is.False);
        Assert.That(memory.TryRead(ulong.MaxValue - 2, new byte[8]), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.Write(4095, new byte[2]));
    }

    [Test]
    public void A_limited_view_shares_storage_and_a_clone_does_not()
    {
        var memory = new ArrayPhysicalMemory(1UL << 20);
        var view = memory.WithLimit(4096);
        var clone = memory.Clone();

        memory.Write(16, [0xAA]);

        var b = new byte[1];
        Assert.That(view.TryRead(16, b) && b[0] == 0xAA, Is.True);
        Assert.That(clone.TryRead(16, b) && b[0] == 0, Is.True);
        Assert.That(view.TryRead(4096, b), Is.False);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void The_profile_has_everything_the_walkers_need(bool withFiveLevelSymbol)
    {
        var profile = SyntheticProfile.Create(withFiveLevelSymbol);

        Assert.That(ProfileRequirements.Missing(profile), Is.Empty);
        Assert.That(profile.Symbols.ContainsKey("__pgtable_l5_enabled"), Is.EqualTo(withFiveLevelSymbol));
        Assert.That(profile.Symbols.Values, Is.All.InRange(SyntheticProfile.TextAddress, SyntheticProfile.TextAddress + SyntheticProfile.ImageSize - 1));
    }

    [Test]
    public void Ten_thousand_processes_stay_compact()
    {
        Assert.That(SyntheticLargeGuest.Instance.Memory.AllocatedBytes, Is.LessThan(256L << 20));
    }

    [Test]
    public void The_builder_refuses_machines_linux_cannot_be()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticGuestBuilder().WithKaslrSlide(0x1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticGuestBuilder().WithKaslrSlide(0x4000_0000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticGuestBuilder().WithPhysicalBase(0x30_0000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticGuestBuilder().WithPageOffsetBase(0xFFFF_8880_0020_0000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticGuestBuilder().WithPagingLevels(3));
        Assert.Throws<InvalidOperationException>(() => new SyntheticGuestBuilder().WithPagingLevels(5).WithoutFiveLevelSymbol().Build());
        Assert.Throws<InvalidOperationException>(() => new SyntheticGuestBuilder().WithPageOffsetBase(0xFF11_0000_0000_0000).Build());
        Assert.Throws<InvalidOperationException>(() => new SyntheticGuestBuilder().AddKernelThread(5, "orphan").Build());
        Assert.Throws<ArgumentException>(() => new SyntheticGuestBuilder().AddKernelThread(7, "a").AddKernelThread(7, "b"));
    }
}
