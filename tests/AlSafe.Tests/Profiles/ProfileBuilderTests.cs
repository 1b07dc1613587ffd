using System.Globalization;
using System.Text;
using AlSafe.Core.Profiles;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class ProfileBuilderTests
{
    [Test]
    public void RealSystemMap_IsPreferredOverKallsyms()
    {
        var map = Map(ProfileRequirements.Symbols);

        var profile = ProfileBuilder.Build(RealKernel.Vmlinux, map);

        Assert.That(profile.Source, Is.EqualTo("btf+system.map"));
        Assert.That(profile.Symbols["init_task"], Is.EqualTo(0xffffffff_82a1aa40));
        Assert.That(profile.Symbols, Does.Not.ContainKey("__pgtable_l5_enabled"), "optional, and absent from this map");
    }

    [Test]
    public void StubSystemMap_FallsBackToKallsyms()
    {
        var profile = ProfileBuilder.Build(RealKernel.Vmlinux, "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n");

        Assert.That(profile.Source, Is.EqualTo("btf+kallsyms"));
        Assert.That(profile.Symbols, Does.ContainKey("__pgtable_l5_enabled"));
    }

    [Test]
    public void MissingRequiredSymbol_IsRefusedByName()
    {
        var map = Map(ProfileRequirements.Symbols.Where(s => s != "socket_file_ops"));

        Assert.That(() => ProfileBuilder.Build(RealKernel.Vmlinux, map),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("symbol socket_file_ops"));
    }

    private static string Map(IEnumerable<string> names)
    {
        var map = new StringBuilder();
        foreach (var name in names)
        {
            map.Append(CultureInfo.InvariantCulture, $"{RealKernel.IsfSymbol(name):x16} D {name}\n");
        }

        return map.ToString();
    }
}
