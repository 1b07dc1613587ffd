using System.Net;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Lab;

/// <summary>The truth format without a guest: decoding, escaping, and damage from interleaved kernel messages.</summary>
[TestFixture]
public sealed class TruthParserTests
{
    private static readonly string[] Block =
    [
        "[    3.1] e1000: eth0 NIC Link is Up",
        "@@ALSAFE-TRUTH-BEGIN 4",
        "H\t6.1.0-56-amd64\tffffffff89400000",
        "S\t130",
        "P\t1\t0\t1\t0\tinit\t/bin/busybox",
        "P\t2\t0\t2\t0\tkthreadd\t-",
        "P\t100\t1\t100\t1000\tmy\\x09comm\\x20x\\\\y\t/opt/a\\x20b/worker",
        "F\t100\t3\t501",
        "F\t100\t4\t502",
        "V\t502\t0",
        "F\t100\t5\t503",
        "F\t100\t6\t503",
        "[    9.9] random: crng init done",
        "N\ttcp\t501\t0100007F:1B59\t0100007F:8E34\t01",
        "N\ttcp\t0\t0100007F:1B5A\t0100007F:8E35\t06",
        "N\ttcp6\t502\t0000000000000000FFFF00000A0200C0:1B5B\t00000000000000000000000001000000:D828\t0A",
        "@@ALSAFE-TRUTH-END 4 13",
    ];

    [Test]
    public void ParsesProcessesSocketsAndHeader()
    {
        var truth = TruthParser.TryParse(Block, 4)!;

        Assert.That(truth.TruthPid, Is.EqualTo(130));
        Assert.That(truth.KernelRelease, Is.EqualTo("6.1.0-56-amd64"));
        Assert.That(truth.KernelTextAddress, Is.EqualTo(0xffffffff89400000UL));
        Assert.That(truth.Processes.Select(p => p.Pid), Is.EqualTo(new[] { 1, 2, 100 }));
        Assert.That(truth.Processes[1].Exe, Is.Null);

        var owner = truth.Processes[2];
        Assert.That(owner.Comm, Is.EqualTo("my\tcomm x\\y"));
        Assert.That(owner.Exe, Is.EqualTo("/opt/a b/worker"));
        Assert.That(owner.Uid, Is.EqualTo(1000u));
        Assert.That(owner.Sockets.Select(s => s.Inode), Is.EqualTo(new[] { 501UL, 502UL }));
        Assert.That(owner.OtherSockets, Is.EqualTo(1), "503 has no /proc/net row and two fds");
    }

    [Test]
    public void DecodesLittleEndianWords()
    {
        var truth = TruthParser.TryParse(Block, 4)!;
        var v4 = truth.Processes[2].Sockets[0];
        Assert.That((v4.Family, v4.Protocol, v4.State), Is.EqualTo(("inet", "tcp", (byte)1)));
        Assert.That(v4.LocalAddress, Is.EqualTo(IPAddress.Loopback));
        Assert.That((v4.LocalPort, v4.RemotePort), Is.EqualTo(((ushort)7001, (ushort)36404)));

        var v6 = truth.Processes[2].Sockets[1];
        Assert.That(v6.Family, Is.EqualTo("inet6"));
        Assert.That(v6.LocalAddress, Is.EqualTo(IPAddress.Parse("::ffff:192.0.2.10")));
        Assert.That(v6.RemoteAddress, Is.EqualTo(IPAddress.IPv6Loopback));
        Assert.That(v6.State, Is.EqualTo(0x0A));
    }

    [Test]
    public void TheIpv6OnlyFlagBelongsToItsInet6Socket()
    {
        var sockets = TruthParser.TryParse(Block, 4)!.Processes[2].Sockets;

        Assert.That(sockets.Select(s => (s.Inode, s.V6Only)), Is.EqualTo(new (ulong, bool?)[] { (501, null), (502, false) }));
    }

    [Test]
    public void AnotherSequenceNumberOrAnUnfinishedBlockIsNotThere()
    {
        Assert.That(TruthParser.TryParse(Block, 5), Is.Null);
        Assert.That(TruthParser.TryParse(Block[..^1], 4), Is.Null);
    }

    [Test]
    public void ALineDamagedByAKernelMessageIsDetected()
    {
        var damaged = Block.ToArray();
        damaged[7] = "F\t100\t3[   10.0] eth0: link up";
        Assert.Throws<LabException>(() => TruthParser.TryParse(damaged, 4));
    }
}
