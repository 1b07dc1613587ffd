using AlSafe.Core.Profiles.Elf;
using AlSafe.Core.Profiles.Kallsyms;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class KallsymsDecoderTests
{
    [TestCase(KallsymsLayout.UpTo61)]
    [TestCase(KallsymsLayout.Seqs4Bytes)]
    [TestCase(KallsymsLayout.Seqs3Bytes)]
    [TestCase(KallsymsLayout.From64)]
    public void EveryLayout_DecodesEveryNameTypeAndAddress(KallsymsLayout layout)
    {
        var table = KallsymsDecoder.Decode(SyntheticKallsyms.Build(layout));

        Assert.That(table.Count, Is.EqualTo(SyntheticKallsyms.Symbols.Count));
        for (var i = 0; i < table.Count; i++)
        {
            var (type, name, address) = SyntheticKallsyms.Symbols[i];
            Assert.That((table.Type(i), table.Name(i), table.Address(i)), Is.EqualTo((type, name, address)), $"symbol {i}");
        }
    }

    [Test]
    public void LongName_UsesTheTwoByteLength()
    {
        var table = KallsymsDecoder.Decode(SyntheticKallsyms.Build(KallsymsLayout.UpTo61));

        Assert.That(table.TryGetAddress("rust_" + new string('q', 300), out var address), Is.True);
        Assert.That(address, Is.EqualTo(SyntheticKallsyms.Text + 0x100000));
    }

    [Test]
    public void NoTables_IsRefusedClearly()
    {
        Assert.That(() => KallsymsDecoder.Decode(new byte[4096]),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("no kallsyms token table"));
    }

    [Test]
    public void CorruptNames_AreRefusedRatherThanMisread()
    {
        var rodata = SyntheticKallsyms.Build(KallsymsLayout.UpTo61);
        var longName = rodata.AsSpan().IndexOf(Enumerable.Repeat((byte)'q', 300).ToArray());
        rodata[longName - 8]++;

        Assert.That(() => KallsymsDecoder.Decode(rodata), Throws.InstanceOf<InvalidDataException>());
    }

    [Test]
    public void RealKernel_DecodesAllSymbols_AtTheAddressesDwarfGives()
    {
        var table = KallsymsDecoder.Decode(new ElfImage(RealKernel.Vmlinux).SectionData(".rodata").Span);

        Assert.That(table.Count, Is.GreaterThan(94_000));
        for (var i = 1; i < table.Count; i++)
        {
            Assert.That(table.Address(i), Is.GreaterThanOrEqualTo(table.Address(i - 1)), $"symbol {i} {table.Name(i)}");
        }

        Assert.That(table.TryGetAddress("init_task", out var initTask), Is.True);
        Assert.That(initTask, Is.EqualTo(0xffffffff_82a1aa40));
        foreach (var name in (string[])["_text", "init_task", "linux_banner", "socket_file_ops", "init_top_pgt", "page_offset_base", "phys_base"])
        {
            Assert.That(table.TryGetAddress(name, out var address), Is.True, name);
            Assert.That(address, Is.EqualTo(RealKernel.IsfSymbol(name)), name);
        }
    }
}
