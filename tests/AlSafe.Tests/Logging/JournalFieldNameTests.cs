using AlSafe.Interop.Journal;
using NUnit.Framework;

namespace AlSafe.Tests.Logging;

/// <summary>Which field names journald takes from a client, and how identifiers become such names.</summary>
public sealed class JournalFieldNameTests
{
    [TestCase("MESSAGE")]
    [TestCase("ALSAFE_WHITELIST_LINE")]
    [TestCase("A1_")]
    [TestCase("X")]
    public void ValidNames(string name) => Assert.That(JournalFieldName.IsValid(name), Is.True);

    [TestCase("", TestName = "Empty")]
    [TestCase("_PID", TestName = "TrustedFieldPrefix")]
    [TestCase("1ABC", TestName = "LeadingDigit")]
    [TestCase("message", TestName = "LowerCase")]
    [TestCase("ALSAFE-VM", TestName = "Dash")]
    [TestCase("ALSAFE VM", TestName = "Space")]
    [TestCase("ÄRGER", TestName = "NonAscii")]
    public void InvalidNames(string name) => Assert.That(JournalFieldName.IsValid(name), Is.False);

    [Test]
    public void SixtyFourCharactersAreTheLimit()
    {
        Assert.That(JournalFieldName.IsValid(new string('A', 64)), Is.True);
        Assert.That(JournalFieldName.IsValid(new string('A', 65)), Is.False);
    }

    [TestCase("Vm", "ALSAFE_VM")]
    [TestCase("WhitelistLine", "ALSAFE_WHITELIST_LINE")]
    [TestCase("RemoteAddress", "ALSAFE_REMOTE_ADDRESS")]
    [TestCase("pid", "ALSAFE_PID")]
    [TestCase("HTTPServer", "ALSAFE_HTTP_SERVER")]
    [TestCase("Ipv6Address", "ALSAFE_IPV6_ADDRESS")]
    [TestCase("remote-port", "ALSAFE_REMOTE_PORT")]
    [TestCase("__vm..name__", "ALSAFE_VM_NAME")]
    [TestCase("SOURCE_CONTEXT", "ALSAFE_SOURCE_CONTEXT")]
    [TestCase("Größe", "ALSAFE_GR_E")]
    [TestCase("0", "ALSAFE_0")]
    public void IdentifiersBecomeUpperSnakeCaseAfterThePrefix(string identifier, string expected) =>
        Assert.That(JournalFieldName.FromIdentifier("ALSAFE_", identifier), Is.EqualTo(expected));

    [TestCase("ALSAFE_", "")]
    [TestCase("ALSAFE_", "-._")]
    [TestCase("ALSAFE_", "äöü")]
    [TestCase("", "9lives")]
    [TestCase("alsafe_", "Vm")]
    public void IdentifiersThatYieldNoValidNameGiveNull(string prefix, string identifier) =>
        Assert.That(JournalFieldName.FromIdentifier(prefix, identifier), Is.Null);

    [Test]
    public void LongIdentifiersAreCutToSixtyFourCharactersWithoutATrailingUnderscore()
    {
        var name = JournalFieldName.FromIdentifier("ALSAFE_", string.Concat(Enumerable.Repeat("Abcdefghi", 12)));

        Assert.That(name, Has.Length.LessThanOrEqualTo(JournalFieldName.MaxLength));
        Assert.That(name, Does.StartWith("ALSAFE_ABCDEFGHI_ABCDEFGHI_").And.Not.EndWith("_"));
        Assert.That(JournalFieldName.IsValid(name), Is.True);
    }

    [Test]
    public void TheMappingIsDeterministic() =>
        Assert.That(JournalFieldName.FromIdentifier("P_", "someProperty.Name"),
            Is.EqualTo(JournalFieldName.FromIdentifier("P_", "someProperty.Name")).And.EqualTo("P_SOME_PROPERTY_NAME"));
}
