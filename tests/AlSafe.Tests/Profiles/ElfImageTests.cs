using AlSafe.Core.Profiles.Elf;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class ElfImageTests
{
    [Test]
    public void RealVmlinux_HasBtfRodataAndTheGnuBuildId()
    {
        var elf = new ElfImage(RealKernel.Vmlinux);

        Assert.That(elf.TryGetSection(".BTF", out var btf), Is.True);
        Assert.That(btf.Size, Is.GreaterThan(1_000_000));
        Assert.That(elf.SectionData(".rodata").Length, Is.GreaterThan(1_000_000));
        Assert.That(elf.BuildId(), Is.EqualTo("eb4fbcd037e7253717950bf2b93bd5566f47c56f"));
    }

    [Test]
    public void ReadCString_ReadsTheBannerAtItsLinkTimeAddress()
    {
        var elf = new ElfImage(RealKernel.Vmlinux);

        var banner = elf.ReadCString(RealKernel.IsfSymbol("linux_banner"), 1024);

        Assert.That(banner, Does.StartWith("Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org)"));
        Assert.That(banner, Does.EndWith("\n"));
    }

    [Test]
    public void Read_OutsideEveryLoadedRange_IsRefused()
    {
        var elf = new ElfImage(RealKernel.Vmlinux);

        Assert.That(() => elf.Read(0xffffffff_00000000, 8), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not backed"));
    }

    [Test]
    public void TruncatedElf_IsRefusedAsTruncated()
    {
        var head = RealKernel.Vmlinux.AsMemory(0, 4096);

        Assert.That(() => new ElfImage(head), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void NotElf_IsRefused()
    {
        Assert.That(() => new ElfImage(new byte[128]), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not an ELF"));
    }
}
