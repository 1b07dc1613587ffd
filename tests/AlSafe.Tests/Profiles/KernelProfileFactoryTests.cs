using System.Text;
using AlSafe.Core.Profiles.Isf;
using AlSafe.Core.Profiles;
using AlSafe.Interop.Compression;
using AlSafe.Interop.Kernel;
using AlSafe.Interop.Packages;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class KernelProfileFactoryTests
{
    /// <summary>data.tar.xz of a package with only ./usr/share/doc/hello/copyright (made with Python's tarfile and lzma).</summary>
    private const string NoKernelDataTarXz =
        "/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4Cf/AJBdABcLvBx9AZXAHUo+eRW/ePpNkgZPp2Vm73L/U4/VkuoUdwq952+lhSWl8dAhSUy/kFl56eT/4ogPd1GY405saAcht/AbX2/yNyZoEtGRqA9Oc5J0+daK8D+dI7vjl30CZ/My7hsj+sU9YJYUdHRzbWW/vaWAXICTZLDjtv1h5wtlnPNScLuONP2fAxgjfXo9AACT9bgHRTXtmwABrAGAUAAAc7QOEbHEZ/sCAAAAAARZWg==";

    [Test]
    public void DebianPackage_GivesACompleteProfileFromBtfAndKallsyms()
    {
        var profile = KernelProfileFactory.FromFile(RealKernel.PackagePath());

        Assert.That(profile.Release, Is.EqualTo("6.1.0-56-amd64"));
        Assert.That(profile.Banner, Does.StartWith("Linux version 6.1.0-56-amd64 ").And.EndWith("\n"));
        Assert.That(profile.BuildId, Is.EqualTo("eb4fbcd037e7253717950bf2b93bd5566f47c56f"));
        Assert.That(profile.Source, Is.EqualTo("btf+kallsyms"), "Debian's System.map is a stub");
        Assert.That(ProfileRequirements.Missing(profile), Is.Empty);
        Assert.That(profile.Symbols["init_task"], Is.EqualTo(0xffffffff_82a1aa40));
        Assert.That(profile.Symbols, Does.ContainKey("__pgtable_l5_enabled"));
        Assert.That(profile.Types["task_struct"].Size, Is.EqualTo(9792));
        Assert.That(profile.Types["sock_common"].BitFields["skc_ipv6only"], Is.EqualTo(new BitField(157, 1)));
    }

    [Test]
    public void Vmlinuz_AgreesWithTheVolatilitySymbolTableOfTheSameKernel()
    {
        var built = KernelProfileFactory.FromBytes(RealKernel.Vmlinuz);
        var isf = XzDecompressor.Decompress(File.ReadAllBytes(RealKernel.IsfPath), 1L << 30, concatenated: true);
        var imported = IsfImporter.Import(isf, RealKernel.IsfPath);

        Assert.That(built.Symbols, Is.EquivalentTo(imported.Symbols));
        Assert.That(built.Banner, Is.EqualTo(imported.Banner));
        foreach (var (type, layout) in built.Types)
        {
            Assert.That(layout.Size, Is.EqualTo(imported.Types[type].Size), type);
            Assert.That(layout.Fields, Is.EquivalentTo(imported.Types[type].Fields), type);
            Assert.That(layout.BitFields, Is.EquivalentTo(imported.Types[type].BitFields), type);
        }

        Assert.That(built.Types["sock_common"].BitFields, Does.ContainKey("skc_ipv6only"));
    }

    [Test]
    public void SerializedProfile_RoundTrips()
    {
        var built = KernelProfileFactory.FromBytes(RealKernel.Vmlinux);
        using var json = new MemoryStream();

        KernelProfileSerializer.Write(built, json);
        json.Position = 0;
        var read = KernelProfileSerializer.Read(json, "memory");

        Assert.That(read.Symbols, Is.EquivalentTo(built.Symbols));
        Assert.That(read.Types.Keys, Is.EquivalentTo(built.Types.Keys));
        Assert.That(read.Types["sock_common"].BitFields, Is.EquivalentTo(built.Types["sock_common"].BitFields));
        Assert.That(read.Banner, Is.EqualTo(built.Banner));
    }

    [Test]
    public void PackageWithoutAKernel_SaysSo()
    {
        var deb = Deb(("debian-binary", "2.0\n"u8.ToArray()), ("data.tar.xz", Convert.FromBase64String(NoKernelDataTarXz)));

        Assert.That(() => KernelProfileFactory.FromBytes(deb),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("no ./boot/vmlinuz-*"));
    }

    [Test]
    public void PackageWithZstdData_IsNamedAsUnsupported()
    {
        var deb = Deb(("debian-binary", "2.0\n"u8.ToArray()), ("data.tar.zst", new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0 }));

        Assert.That(() => DebArchive.ReadKernel(deb, 1 << 20),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("data.tar.zst is not supported"));
    }

    [Test]
    public void UnknownFormat_NamesTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "hello");
            Assert.That(() => KernelProfileFactory.FromFile(path),
                Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(path + ": not a Debian package, bzImage or ELF"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ElfWithoutBtf_SaysWhatIsMissing()
    {
        var elf = (byte[])RealKernel.Vmlinux.Clone();
        var at = elf.AsSpan().LastIndexOf(".BTF\0"u8);
        elf[at + 1] = (byte)'X';

        Assert.That(() => KernelProfileFactory.FromBytes(elf),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("no .BTF section"));
    }

    private static byte[] Deb(params (string Name, byte[] Data)[] members)
    {
        var deb = new MemoryStream();
        deb.Write("!<arch>\n"u8);
        foreach (var (name, data) in members)
        {
            deb.Write(Encoding.ASCII.GetBytes($"{name,-16}{0,-12}{0,-6}{0,-6}{100644,-8}{data.Length,-10}`\n"));
            deb.Write(data);
            if (data.Length % 2 == 1)
            {
                deb.WriteByte((byte)'\n');
            }
        }

        return deb.ToArray();
    }
}
