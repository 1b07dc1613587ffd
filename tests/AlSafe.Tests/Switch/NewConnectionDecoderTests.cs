using System.Buffers.Binary;
using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.OpenFlow;
using AlSafe.Interop.Switch;
using NUnit.Framework;

namespace AlSafe.Tests.Switch;

public sealed class NewConnectionDecoderTests
{
    private static readonly ulong Vm = RuleCookie.ForVm("web1");
    private static readonly IPAddress Peer4 = IPAddress.Parse("198.51.100.7");
    private static readonly IPAddress Vm4 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Peer6 = IPAddress.Parse("2001:db8::7");
    private static readonly IPAddress Vm6 = IPAddress.Parse("2001:db8::10");

    [Test]
    public void A_SYN_reported_from_table_3_is_a_connection_into_the_VM()
    {
        var frame = Ethernet(0x0800, Ipv4(6, Peer4, Vm4, Ports(40000, 81)));

        Assert.That(NewConnectionDecoder.TryDecode(Report(3, frame), out var seen), Is.True);
        Assert.That(seen, Is.EqualTo(new NewConnection(Vm, TrafficDirection.In, SocketProtocol.Tcp, Peer4, 40000, Vm4, 81)));
    }

    [Test]
    public void A_datagram_reported_from_table_1_behind_IPv6_extension_headers_and_a_VLAN_tag_is_the_VMs_own()
    {
        // Hop-by-hop options (8 bytes) then a first fragment (offset 0), then UDP.
        byte[] extensions = [44, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 1];
        var frame = Tagged(Ethernet(0x86dd, Ipv6(0, Vm6, Peer6, [.. extensions, .. Ports(5353, 53)])));

        Assert.That(NewConnectionDecoder.TryDecode(Report(1, frame), out var seen), Is.True);
        Assert.That(seen, Is.EqualTo(new NewConnection(Vm, TrafficDirection.Out, SocketProtocol.Udp, Vm6, 5353, Peer6, 53)));
    }

    private static IEnumerable<TestCaseData> NotReports()
    {
        var syn = Ethernet(0x0800, Ipv4(6, Peer4, Vm4, Ports(40000, 81)));
        yield return new TestCaseData(Report(2, syn)).SetName("from another table");
        yield return new TestCaseData(Report(3, syn) with { Cookie = RuleCookie.Base }).SetName("under the base cookie");
        yield return new TestCaseData(Report(3, syn) with { Cookie = 0x99 }).SetName("under a foreign cookie");
        yield return new TestCaseData(Report(3, syn[..(14 + 20 + 3)])).SetName("cut in the destination port");
        yield return new TestCaseData(Report(3, syn[..20])).SetName("cut in the IP header");
        yield return new TestCaseData(Report(3, [])).SetName("empty");
        yield return new TestCaseData(Report(3, Ethernet(0x0800, Ipv4(1, Peer4, Vm4, [8, 0, 0, 0])))).SetName("ICMP");
        yield return new TestCaseData(Report(3, Ethernet(0x0806, new byte[28]))).SetName("ARP");
        var fragment = Ipv4(6, Peer4, Vm4, Ports(40000, 81));
        BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(6), 0x00b9);
        yield return new TestCaseData(Report(3, Ethernet(0x0800, fragment))).SetName("a later IPv4 fragment");
        byte[] laterFragment = [6, 0, 0, 0x08, 0, 0, 0, 1];
        yield return new TestCaseData(Report(3, Ethernet(0x86dd, Ipv6(44, Peer6, Vm6, [.. laterFragment, .. Ports(1, 2)])))).SetName("a later IPv6 fragment");
        var badLength = Ipv4(6, Peer4, Vm4, Ports(40000, 81));
        badLength[0] = 0x4f;
        yield return new TestCaseData(Report(3, Ethernet(0x0800, badLength))).SetName("an IPv4 header longer than the packet");
    }

    [TestCaseSource(nameof(NotReports))]
    public void What_is_not_a_decodable_report_is_no_new_connection(PacketIn packetIn) =>
        Assert.That(NewConnectionDecoder.TryDecode(packetIn, out _), Is.False);

    [Test]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var decoded = 0;
        for (var i = 0; i < 5000; i++)
        {
            var frame = new byte[random.Next(0, 129)];
            random.NextBytes(frame);
            // Half of them claim IPv4 with a plausible first byte, to reach the deeper checks.
            if (frame.Length > 14 && random.Next(2) == 0)
            {
                frame[12] = 0x08;
                frame[13] = 0x00;
                frame[14] = 0x45;
            }

            decoded += NewConnectionDecoder.TryDecode(Report(3, frame), out _) ? 1 : 0;
        }

        Assert.That(decoded, Is.LessThan(5000));
    }

    private static PacketIn Report(byte table, byte[] frame) =>
        new(OpenFlowBuffer.None, (ushort)frame.Length, PacketInReason.ApplyAction, table, Vm, new OxmMatch([OxmField.InPort(5)]), frame);

    private static byte[] Ethernet(ushort etherType, byte[] payload)
    {
        var frame = new byte[14 + payload.Length];
        frame[0] = 0x02;
        frame[6] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame, 14);
        return frame;
    }

    private static byte[] Tagged(byte[] frame) => [.. frame[..12], 0x81, 0x00, 0x00, 0x05, .. frame[12..]];

    private static byte[] Ipv4(byte protocol, IPAddress source, IPAddress destination, byte[] payload)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        packet[8] = 64;
        packet[9] = protocol;
        source.GetAddressBytes().CopyTo(packet, 12);
        destination.GetAddressBytes().CopyTo(packet, 16);
        payload.CopyTo(packet, 20);
        return packet;
    }

    private static byte[] Ipv6(byte next, IPAddress source, IPAddress destination, byte[] payload)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        packet[6] = next;
        packet[7] = 64;
        source.GetAddressBytes().CopyTo(packet, 8);
        destination.GetAddressBytes().CopyTo(packet, 24);
        payload.CopyTo(packet, 40);
        return packet;
    }

    private static byte[] Ports(ushort source, ushort destination)
    {
        var ports = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(ports, source);
        BinaryPrimitives.WriteUInt16BigEndian(ports.AsSpan(2), destination);
        return ports;
    }
}
