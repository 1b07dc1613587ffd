using AlSafe.Core.Configuration;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>The value forms the configuration files share.</summary>
public sealed class ConfigurationValuesTests
{
    [TestCase("500ms", 500)]
    [TestCase("0ms", 0)]
    [TestCase("0s", 0)]
    [TestCase("2s", 2_000)]
    [TestCase("5m", 300_000)]
    [TestCase("1h", 3_600_000)]
    [TestCase("3600s", 3_600_000)]
    [TestCase("9999999h", 35_999_996_400_000)]
    public void Duration_Accepted(string text, long milliseconds)
    {
        Assert.That(ConfigurationValues.Duration(text, out var value), Is.Null);
        Assert.That(value, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("5", "'5' has no unit: write 5s, or use ms, m or h")]
    [TestCase("", "'' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("s", "'s' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("1.5s", "'1.5s' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("-1s", "'-1s' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("2 s", "'2 s' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("2S", "'2S' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("1d", "'1d' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("2sec", "'2sec' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("10000000ms", "'10000000ms' is too long a duration: use a larger unit")]
    public void Duration_Refused(string text, string message) =>
        Assert.That(ConfigurationValues.Duration(text, out _), Is.EqualTo(message));

    [TestCase(0, "0s")]
    [TestCase(250, "250ms")]
    [TestCase(1_500, "1500ms")]
    [TestCase(2_000, "2s")]
    [TestCase(90_000, "90s")]
    [TestCase(300_000, "5m")]
    [TestCase(3_600_000, "1h")]
    public void FormatDuration_UsesTheLargestWholeUnit(long milliseconds, string text)
    {
        Assert.That(ConfigurationValues.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(text));
        Assert.That(ConfigurationValues.Duration(text, out var back), Is.Null);
        Assert.That(back, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("true", true)]
    [TestCase("yes", true)]
    [TestCase("false", false)]
    [TestCase("no", false)]
    public void Boolean_Accepted(string text, bool expected)
    {
        Assert.That(ConfigurationValues.Boolean(text, out var value), Is.Null);
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase("True")]
    [TestCase("1")]
    [TestCase("on")]
    [TestCase("y")]
    public void Boolean_Refused(string text) =>
        Assert.That(ConfigurationValues.Boolean(text, out _), Is.EqualTo($"'{text}' is not a boolean: use true, false, yes or no"));

    [TestCase("1", 1)]
    [TestCase("64", 64)]
    [TestCase("007", 7)]
    public void Integer_Accepted(string text, int expected)
    {
        Assert.That(ConfigurationValues.Integer(text, 1, 64, out var value), Is.Null);
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase("0")]
    [TestCase("65")]
    [TestCase("-1")]
    [TestCase("+2")]
    [TestCase("2.0")]
    [TestCase("0x10")]
    [TestCase("99999999999999999999")]
    [TestCase("")]
    public void Integer_Refused(string text) =>
        Assert.That(ConfigurationValues.Integer(text, 1, 64, out _), Is.EqualTo($"'{text}' is not an integer from 1 to 64"));

    [TestCase("/etc/alsafe/vms.d", null)]
    [TestCase("/", null)]
    [TestCase("/srv/with space/é", null)]
    [TestCase("etc/alsafe", "'etc/alsafe' is not an absolute path: it must start with /")]
    [TestCase("./x", "'./x' is not an absolute path: it must start with /")]
    [TestCase("~/x", "'~/x' is not an absolute path: it must start with /")]
    public void AbsolutePath(string text, string? error) =>
        Assert.That(ConfigurationValues.AbsolutePath(text, out _), Is.EqualTo(error));

    [TestCase("a", new[] { "a" })]
    [TestCase("a,b", new[] { "a", "b" })]
    [TestCase(" a ,\tb\t, c", new[] { "a", "b", "c" })]
    public void List_TrimsItems(string text, string[] items)
    {
        Assert.That(ConfigurationValues.List(text, out var value), Is.Null);
        Assert.That(value, Is.EqualTo(items));
    }

    [TestCase("a,,b")]
    [TestCase("a,")]
    [TestCase(",a")]
    [TestCase("a, ,b")]
    public void List_RefusesEmptyItems(string text) =>
        Assert.That(ConfigurationValues.List(text, out _), Is.EqualTo($"'{text}' has an empty item: separate items with one comma"));

    [TestCase("192.0.2.10", "192.0.2.10")]
    [TestCase("0.0.0.0", "0.0.0.0")]
    [TestCase("fd00:a15a::10", "fd00:a15a::10")]
    [TestCase("FD00:A15A:0::10", "fd00:a15a::10")]
    [TestCase("64:ff9b::192.0.2.1", "64:ff9b::c000:201")]
    public void Address_Accepted(string text, string expected)
    {
        Assert.That(ConfigurationValues.Address(text, out var value), Is.Null);
        Assert.That(value.ToString(), Is.EqualTo(expected));
    }

    [TestCase("192.0.2")]
    [TestCase("192.0.2.010")]
    [TestCase("192.0.2.256")]
    [TestCase("3221225994")]
    [TestCase("0x7f.1")]
    [TestCase("[fd00::1]")]
    [TestCase("fd00::1/64")]
    [TestCase("fd00::g")]
    [TestCase("::ffff:192.0.2")]
    [TestCase("example.com")]
    public void Address_RefusesOtherForms(string text) =>
        Assert.That(ConfigurationValues.Address(text, out _),
            Is.EqualTo($"'{text}' is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)"));

    [Test]
    public void Address_RefusesZonesAndMappedAddresses()
    {
        Assert.That(ConfigurationValues.Address("fe80::1%eth0", out _),
            Is.EqualTo("'fe80::1%eth0' has a zone (%...): a zone names an interface of this host, not an address on the network"));
        Assert.That(ConfigurationValues.Address("::ffff:192.0.2.1", out _),
            Is.EqualTo("'::ffff:192.0.2.1' is an IPv4-mapped IPv6 address: write it as IPv4, 192.0.2.1"));
    }

    [TestCase("192.0.2.0/24", "192.0.2.0/24")]
    [TestCase("0.0.0.0/0", "0.0.0.0/0")]
    [TestCase("192.0.2.7/32", "192.0.2.7/32")]
    [TestCase("fd00:a15a::/64", "fd00:a15a::/64")]
    [TestCase("::/0", "::/0")]
    public void Prefix_Accepted(string text, string expected)
    {
        Assert.That(ConfigurationValues.Prefix(text, out var value), Is.Null);
        Assert.That(value.ToString(), Is.EqualTo(expected));
    }

    [TestCase("192.0.2.0", "'192.0.2.0' is not a prefix: write ADDRESS/LENGTH, such as 192.0.2.0/24 or fd00:a15a::/64")]
    [TestCase("192.0.2.1/24", "'192.0.2.1/24' has host bits set; did you mean 192.0.2.0/24?")]
    [TestCase("fd00:a15a::1/64", "'fd00:a15a::1/64' has host bits set; did you mean fd00:a15a::/64?")]
    [TestCase("192.0.2.0/33", "'192.0.2.0/33': the length of an IPv4 prefix is a number from 0 to 32, without leading zeros")]
    [TestCase("192.0.2.0/024", "'192.0.2.0/024': the length of an IPv4 prefix is a number from 0 to 32, without leading zeros")]
    [TestCase("fd00::/129", "'fd00::/129': the length of an IPv6 prefix is a number from 0 to 128, without leading zeros")]
    [TestCase("fd00::/", "'fd00::/': the length of an IPv6 prefix is a number from 0 to 128, without leading zeros")]
    [TestCase("192.0.2/24", "'192.0.2' is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)")]
    [TestCase("fe80::%eth0/64", "'fe80::%eth0' has a zone (%...): a zone names an interface of this host, not an address on the network")]
    public void Prefix_Refused(string text, string message) =>
        Assert.That(ConfigurationValues.Prefix(text, out _), Is.EqualTo(message));

    [TestCase("edge.example", null)]
    [TestCase("edge-1", null)]
    [TestCase("192.0.2.1", null)]
    [TestCase("fd00::1", null)]
    [TestCase("-edge", "'-edge' is neither an address nor a host name (letters, digits and '-' in dot-separated labels)")]
    [TestCase("edge..example", "'edge..example' is neither an address nor a host name (letters, digits and '-' in dot-separated labels)")]
    [TestCase("edge_1", "'edge_1' is neither an address nor a host name (letters, digits and '-' in dot-separated labels)")]
    [TestCase("root@edge", "'root@edge' is neither an address nor a host name (letters, digits and '-' in dot-separated labels)")]
    [TestCase("192.0.2", "'192.0.2' is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)")]
    [TestCase("[fd00::1]", "'[fd00::1]' is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)")]
    public void Host(string text, string? error) =>
        Assert.That(ConfigurationValues.Host(text, out _), Is.EqualTo(error));

    [Test]
    public void Quote_CutsLongText() =>
        Assert.That(ConfigurationValues.Quote(new string('a', 100)), Is.EqualTo($"'{new string('a', 60)}...'"));
}
