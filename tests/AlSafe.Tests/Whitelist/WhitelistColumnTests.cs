using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Tests.Whitelist.WhitelistText;

namespace AlSafe.Tests.Whitelist;

/// <summary>Each column's grammar: the forms it takes and the forms it refuses, with the error at the column's start.</summary>
public sealed class WhitelistColumnTests
{
    private const int Vm = 0;
    private const int Process = 1;
    private const int User = 2;
    private const int Proto = 3;
    private const int Direction = 4;
    private const int LocalPort = 5;
    private const int Remote = 6;
    private const int RemotePort = 7;

    private static readonly string[] ColumnNames = ["vm", "process", "user", "proto", "direction", "local_port", "remote", "remote_port"];

    [TestCase("*", null)]
    [TestCase("web-1", "web-1")]
    [TestCase("a", "a")]
    [TestCase("9", "9")]
    [TestCase("Db.Primary_2-x", "Db.Primary_2-x")]
    [TestCase("v123456789012345678901234567890123456789012345678901234567890123", "v123456789012345678901234567890123456789012345678901234567890123")]
    public void Vm_Accepted(string text, string? expected) =>
        Assert.That(Single(With(Vm, text)).Vm, Is.EqualTo(expected));

    [TestCase("-web", "is not a VM name")]
    [TestCase(".web", "is not a VM name")]
    [TestCase("_web", "is not a VM name")]
    [TestCase("web 1", "is not a VM name")]
    [TestCase("web/1", "is not a VM name")]
    [TestCase("wéb", "is not a VM name")]
    [TestCase("web*", "is not a VM name")]
    [TestCase("**", "is not a VM name")]
    [TestCase("v1234567890123456789012345678901234567890123456789012345678901234", "is 65 bytes long; a VM name is at most 64")]
    public void Vm_Refused(string text, string reason) => AssertRefused(Vm, text, "vm", reason);

    [TestCase("/usr/sbin/nginx")]
    [TestCase("nginx")]
    [TestCase("/opt/my app/bin/server")]
    [TestCase("my comm")]
    [TestCase("café")]
    [TestCase("/usr/bin/python3.11")]
    [TestCase("/.hidden/x")]
    [TestCase("/a/...")]
    [TestCase("abcdefghijklmno")]
    [TestCase("a\\x01bcdefghijklmn")]
    [TestCase("\\x00")]
    [TestCase("a\\b")]
    public void Process_Accepted(string text)
    {
        var entry = Single(With(Process, text));

        Assert.That(entry.Process.Text, Is.EqualTo(text));
        Assert.That(entry.Process.IsPath, Is.EqualTo(text.StartsWith('/')));
    }

    [TestCase("*", "'*' is not allowed: an entry names its process")]
    [TestCase("usr/sbin/nginx", "is neither an absolute path")]
    [TestCase("kworker/0:1", "is neither an absolute path")]
    [TestCase("/", "ends with '/'")]
    [TestCase("/usr/sbin/", "ends with '/'")]
    [TestCase("/usr//sbin/nginx", "has an empty path component")]
    [TestCase("/usr/./sbin/nginx", "has a '.' component")]
    [TestCase("/usr/../sbin/nginx", "has a '..' component")]
    [TestCase("/..", "has a '..' component")]
    [TestCase("abcdefghijklmnop", "is 16 bytes long; a comm name is at most 15")]
    [TestCase("ééééééééé", "is 18 bytes long; a comm name is at most 15")]
    [TestCase("a\\x01bcdefghijklmno", "is 16 bytes long")]
    [TestCase("a\\xZZbcdefghijkl", "is 16 bytes long")]
    public void Process_Refused(string text, string reason) => AssertRefused(Process, text, "process", reason);

    [TestCase("*", null)]
    [TestCase("0", 0u)]
    [TestCase("1000", 1000u)]
    [TestCase("4294967294", 4294967294u)]
    public void User_Accepted(string text, uint? expected) =>
        Assert.That(Single(With(User, text)).Uid, Is.EqualTo(expected));

    [TestCase("root", "is not a uid: give the number")]
    [TestCase("-1", "is not a uid")]
    [TestCase("+1", "is not a uid")]
    [TestCase("1e3", "is not a uid")]
    [TestCase("1 000", "is not a uid")]
    [TestCase("٣", "is not a uid")]
    [TestCase("01", "has a leading zero")]
    [TestCase("00", "has a leading zero")]
    [TestCase("4294967295", "is out of range: a uid is 0 to 4294967294")]
    [TestCase("99999999999999999999999", "is out of range")]
    public void User_Refused(string text, string reason) => AssertRefused(User, text, "user", reason);

    [TestCase("tcp", SocketProtocol.Tcp)]
    [TestCase("udp", SocketProtocol.Udp)]
    public void Proto_Accepted(string text, SocketProtocol expected) =>
        Assert.That(Single(With(Proto, text)).Protocol, Is.EqualTo(expected));

    [TestCase("TCP", "'TCP' must be lower case: tcp")]
    [TestCase("Udp", "'Udp' must be lower case: udp")]
    [TestCase("icmp", "'icmp' is not a protocol: use tcp or udp")]
    [TestCase("*", "is not a protocol")]
    [TestCase("tcp6", "is not a protocol")]
    public void Proto_Refused(string text, string reason) => AssertRefused(Proto, text, "proto", reason);

    [TestCase("in", TrafficDirection.In)]
    [TestCase("out", TrafficDirection.Out)]
    public void Direction_Accepted(string text, TrafficDirection expected) =>
        Assert.That(Single(With(Direction, text)).Direction, Is.EqualTo(expected));

    [TestCase("IN", "'IN' must be lower case: in")]
    [TestCase("Out", "'Out' must be lower case: out")]
    [TestCase("both", "is not a direction")]
    [TestCase("*", "is not a direction")]
    public void Direction_Refused(string text, string reason) => AssertRefused(Direction, text, "direction", reason);

    [TestCase("*", 0, 65535)]
    [TestCase("1", 1, 1)]
    [TestCase("443", 443, 443)]
    [TestCase("65535", 65535, 65535)]
    [TestCase("80-80", 80, 80)]
    [TestCase("8000-8080", 8000, 8080)]
    [TestCase("1-65535", 1, 65535)]
    public void Ports_Accepted(string text, int first, int last)
    {
        var expected = new PortRange((ushort)first, (ushort)last);

        Assert.That(Single(With(LocalPort, text)).LocalPort, Is.EqualTo(expected));
        Assert.That(Single(With(RemotePort, text)).RemotePort, Is.EqualTo(expected));
    }

    [TestCase("0", "port 0 is never used by a connection; use * for any port")]
    [TestCase("0-80", "port 0")]
    [TestCase("65536", "is out of range: a port is 1 to 65535")]
    [TestCase("1-99999999999", "is out of range")]
    [TestCase("080", "has a leading zero")]
    [TestCase("80-090", "has a leading zero")]
    [TestCase("+80", "is not a port")]
    [TestCase("-80", "is not a port")]
    [TestCase("80-", "is not a port")]
    [TestCase("80 -90", "is not a port")]
    [TestCase("1-2-3", "is not a port")]
    [TestCase("80,443", "is not a port")]
    [TestCase("http", "is not a port")]
    [TestCase("**", "is not a port")]
    [TestCase("90-80", "'90-80' is a reversed range")]
    public void Ports_Refused(string text, string reason)
    {
        AssertRefused(LocalPort, text, "local_port", reason);
        AssertRefused(RemotePort, text, "remote_port", reason);
    }

    [TestCase("*", "*")]
    [TestCase("192.0.2.1", "192.0.2.1/32")]
    [TestCase("192.0.2.0/24", "192.0.2.0/24")]
    [TestCase("10.0.0.0/8", "10.0.0.0/8")]
    [TestCase("0.0.0.0/0", "0.0.0.0/0")]
    [TestCase("255.255.255.255/32", "255.255.255.255/32")]
    [TestCase("0.0.0.0", "0.0.0.0/32")]
    [TestCase("2001:db8::1", "2001:db8::1/128")]
    [TestCase("2001:DB8::1", "2001:db8::1/128")]
    [TestCase("2001:db8::/32", "2001:db8::/32")]
    [TestCase("::/0", "::/0")]
    [TestCase("::1", "::1/128")]
    [TestCase("::ffff:192.0.2.1", "::ffff:192.0.2.1/128")]
    [TestCase("fe80::/10", "fe80::/10")]
    public void Remote_Accepted(string text, string expected) =>
        Assert.That(Single(With(Remote, text)).Remote.ToString(), Is.EqualTo(expected));

    [TestCase("192.0.2.1/24", "'192.0.2.1/24' has host bits set; did you mean 192.0.2.0/24?")]
    [TestCase("10.1.2.3/8", "did you mean 10.0.0.0/8?")]
    [TestCase("2001:db8::1/32", "'2001:db8::1/32' has host bits set; did you mean 2001:db8::/32?")]
    [TestCase("127.1", "is not an address")]
    [TestCase("1", "is not an address")]
    [TestCase("2130706433", "is not an address")]
    [TestCase("0x7f.0.0.1", "is not an address")]
    [TestCase("010.0.0.1", "is not an address")]
    [TestCase("256.0.0.1", "is not an address")]
    [TestCase("1.2.3.4.5", "is not an address")]
    [TestCase("1.2.3.", "is not an address")]
    [TestCase("1..2.3", "is not an address")]
    [TestCase("localhost", "is not an address")]
    [TestCase("/24", "is not an address")]
    [TestCase("[::1]", "is not an address")]
    [TestCase("[::1]:80", "is not an address")]
    [TestCase("1::2::3", "is not an address")]
    [TestCase("1:2:3:4:5:6:7:8:9", "is not an address")]
    [TestCase("::ffff:1.2.3", "is not an address")]
    [TestCase("::ffff:01.2.3.4", "is not an address")]
    [TestCase("fe80::1%eth0", "has a zone")]
    [TestCase("fe80::1%2/64", "has a zone")]
    [TestCase("192.0.2.0/33", "the prefix length of an IPv4 address is a number from 0 to 32")]
    [TestCase("::/129", "the prefix length of an IPv6 address is a number from 0 to 128")]
    [TestCase("192.0.2.0/024", "without leading zeros")]
    [TestCase("192.0.2.0/", "the prefix length")]
    [TestCase("192.0.2.0/-1", "the prefix length")]
    [TestCase("192.0.2.0/24/1", "the prefix length")]
    public void Remote_Refused(string text, string reason) => AssertRefused(Remote, text, "remote", reason);

    [TestCase(Vm, " web-1", "the column starts with a space")]
    [TestCase(Process, "/usr/sbin/nginx ", "the column ends with a space")]
    [TestCase(User, " 33", "the column starts with a space")]
    [TestCase(LocalPort, "443 ", "the column ends with a space")]
    [TestCase(Remote, "", "the column is empty")]
    [TestCase(RemotePort, "  ", "the column starts with a space")]
    public void SpacesAroundAColumn_AreRefused(int column, string text, string reason) =>
        AssertRefused(column, text, ColumnNames[column], reason);

    [Test]
    public void EveryBadColumnOfALine_IsReported()
    {
        var columns = new[] { "web-1", "*", "root", "TCP", "in", "0", "*", "*" };
        var result = Parse(Line(columns));

        Assert.That(result.Errors.Select(e => (e.Field, e.Column)), Is.EqualTo(new (string?, int)[]
        {
            ("process", StartOf(1, columns)),
            ("user", StartOf(2, columns)),
            ("proto", StartOf(3, columns)),
            ("local_port", StartOf(5, columns)),
        }));
    }

    private static void AssertRefused(int column, string text, string field, string reason)
    {
        var error = SingleError(With(column, text));
        var columns = (string[])Columns.Clone();
        columns[column] = text;

        Assert.That(error.Field, Is.EqualTo(field));
        Assert.That(error.Message, Does.Contain(reason));
        Assert.That((error.File, error.Line, error.Column), Is.EqualTo((FileName, 1, StartOf(column, columns))));
    }
}
