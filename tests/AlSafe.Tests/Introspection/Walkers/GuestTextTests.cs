using System.Text;
using AlSafe.Core.Introspection.Walkers;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection.Walkers;

public sealed class GuestTextTests
{
    [TestCase("nginx", "nginx")]
    [TestCase("café", "café")]
    [TestCase("a\\b", "a\\x5cb")]
    [TestCase("line\nforged", "line\\x0aforged")]
    public void DecodesPlainTextAndEscapesWhatCouldForgeALine(string input, string expected) =>
        Assert.That(GuestText.Decode(Encoding.UTF8.GetBytes(input)), Is.EqualTo(expected));

    [TestCase("\u202Edhss")]
    [TestCase("zero\u200Bwidth")]
    [TestCase("sep\u2028arator")]
    [TestCase("private\uE000use")]
    public void EscapesInvisibleAndLineBreakingUnicode(string input)
    {
        var decoded = GuestText.Decode(Encoding.UTF8.GetBytes(input));

        Assert.That(decoded.All(c => c is >= ' ' and < (char)0x7F), Is.True, decoded);
        Assert.That(decoded, Does.Contain("\\xe"));
    }

    [Test]
    public void InvalidUtf8IsEscapedByteForByte() =>
        Assert.That(GuestText.Decode([0x61, 0xFF, 0xC3]), Is.EqualTo("a\\xff\\xc3"));

    [Test]
    public void CStringStopsAtTheFirstNul() =>
        Assert.That(GuestText.FromCString("sshd\0garbage"u8), Is.EqualTo("sshd"));
}
