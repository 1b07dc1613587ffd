using AlSafe.Core.Profiles;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class SystemMapParserTests
{
    [Test]
    public void DebianStub_IsNotAMap()
    {
        const string stub = "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n";

        Assert.That(SystemMapParser.TryParse(stub, out _), Is.False);
    }

    [Test]
    public void RealMap_GivesAddressesAndTheFirstOfDuplicateNames()
    {
        const string map = """
            0000000000000000 A fixed_percpu_data
            ffffffff81000000 T _text
            ffffffff82161900 D linux_banner
            ffffffff81234560 t helper
            ffffffff81234990 t helper
            """;

        Assert.That(SystemMapParser.TryParse(map, out var symbols), Is.True);
        Assert.That(symbols["_text"], Is.EqualTo(0xffffffff81000000));
        Assert.That(symbols["linux_banner"], Is.EqualTo(0xffffffff82161900));
        Assert.That(symbols["helper"], Is.EqualTo(0xffffffff81234560));
    }

    [Test]
    public void MalformedLine_NamesItsNumber()
    {
        const string map = "ffffffff81000000 T _text\nnot a line\n";

        Assert.That(() => SystemMapParser.TryParse(map, out _), Throws.InstanceOf<FormatException>().With.Message.Contains("line 2"));
    }
}
