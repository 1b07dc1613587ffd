using System.Net;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Switch;

public sealed class OfctlFormatterTests
{
    [Test]
    public void AnIpv6MatchUsesOvsOfctlsIpv6FieldNamesAndMasks()
    {
        var match = new FlowMatch
        {
            CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.New),
            CtZone = 9,
            EthType = EtherType.Ipv6,
            IpProto = IpProtocol.Udp,
            IpSrc = AddressPrefix.Create(IPAddress.Parse("2001:db8:1::"), 48),
            IpDst = AddressPrefix.Host(IPAddress.Parse("2001:db8::10")),
            TpSrc = new MaskedPort(0x400, 0xfc00),
            TpDst = MaskedPort.Exact(53),
        };

        Assert.That(
            OfctlFormatter.Match(match),
            Is.EqualTo("ct_state=+new-inv+trk,ct_zone=9,udp6,ipv6_src=2001:db8:1::/48,ipv6_dst=2001:db8::10,tp_src=0x400/0xfc00,tp_dst=53"));
    }

    [Test]
    public void ANeighbourAdvertisementMatchNamesItsTarget()
    {
        var match = new FlowMatch
        {
            EthDst = MaskedMac.GroupAddressed,
            EthType = EtherType.Ipv6,
            IpProto = IpProtocol.Icmpv6,
            IpSrc = AddressPrefix.Host(IPAddress.IPv6Any),
            Icmpv6Type = Icmpv6Type.NeighborAdvertisement,
            NdTarget = IPAddress.Parse("fe80::5054:ff:fe12:3456"),
        };

        Assert.That(
            OfctlFormatter.Match(match),
            Is.EqualTo("icmp6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,ipv6_src=::,icmp_type=136,nd_target=fe80::5054:ff:fe12:3456"));
    }

    [Test]
    public void AReportMatchesTcpFlagsAndSendsAMeteredControllerAction()
    {
        var match = new FlowMatch { CtZone = 3, EthType = EtherType.Ipv6, IpProto = IpProtocol.Tcp, TcpFlags = TcpFlagsMatch.Opening };
        var report = new Flow(FlowTable.Ingress, 100, 0xa15a_0000_0000_0001, match, [new ControllerAction(128, 7)]);

        Assert.That(OfctlFormatter.Flow(report),
            Is.EqualTo("cookie=0xa15a000000000001,table=3,priority=100,ct_zone=3,tcp6,tcp_flags=+syn-ack,actions=controller(max_len=128,meter_id=7)"));
        Assert.That(OfctlFormatter.Actions([new ControllerAction(64, null)]), Is.EqualTo("CONTROLLER:64"));
        Assert.That(OfctlFormatter.Match(new FlowMatch { EthType = EtherType.Ipv4, IpProto = IpProtocol.Tcp, TcpFlags = new TcpFlagsMatch(TcpFlags.Fin | TcpFlags.Ack, TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Rst) }),
            Is.EqualTo("tcp,tcp_flags=+fin-rst+ack"));
    }

    [Test]
    public void AFlowWithoutActionsDrops()
    {
        var flow = new Flow(FlowTable.Ingress, 10, 0xa15a_0000_0000_0001, new FlowMatch { CtZone = 3 }, []);

        Assert.That(OfctlFormatter.Flow(flow), Is.EqualTo("cookie=0xa15a000000000001,table=3,priority=10,ct_zone=3,actions=drop"));
    }

    [Test]
    public void AMatchTheSwitchWouldRefuseOrRewriteIsRefused()
    {
        Assert.That(() => Drop(new FlowMatch { TpDst = MaskedPort.Exact(80) }), Throws.ArgumentException, "port without a protocol");
        Assert.That(
            () => Drop(new FlowMatch { EthType = EtherType.Ipv4, IpSrc = AddressPrefix.Host(IPAddress.IPv6Loopback) }),
            Throws.ArgumentException,
            "IPv6 address under the IPv4 ether type");
        Assert.That(
            () => Drop(new FlowMatch { EthType = EtherType.Ipv4, IpProto = IpProtocol.Tcp, TpSrc = new MaskedPort(0x401, 0xfc00) }),
            Throws.ArgumentException,
            "value bits outside the mask");
        Assert.That(
            () => Drop(new FlowMatch { EthType = EtherType.Ipv6, IpProto = IpProtocol.Icmpv6, NdTarget = IPAddress.IPv6Loopback }),
            Throws.ArgumentException,
            "ND target without an ND type");
        Assert.That(
            () => Drop(new FlowMatch { EthType = EtherType.Ipv4, IpProto = IpProtocol.Udp, TcpFlags = TcpFlagsMatch.Opening }),
            Throws.ArgumentException,
            "TCP flags under UDP");
        Assert.That(
            () => Drop(new FlowMatch { EthType = EtherType.Ipv4, IpProto = IpProtocol.Tcp, TcpFlags = new TcpFlagsMatch(TcpFlags.Syn, TcpFlags.Ack) }),
            Throws.ArgumentException,
            "TCP flag bits outside the mask");
    }

    [Test]
    public void AFlowMayOnlyContinueInALaterTableAsItsLastAction()
    {
        Assert.That(
            () => new Flow(FlowTable.Destination, 1, 1, new FlowMatch(), [new GotoTableAction(FlowTable.Egress)]),
            Throws.ArgumentException);
        Assert.That(
            () => new Flow(FlowTable.Source, 1, 1, new FlowMatch(), [new ConntrackAction(false, 1, FlowTable.Egress), NormalAction.Instance]),
            Throws.ArgumentException);
    }

    private static Flow Drop(FlowMatch match) => new(FlowTable.Source, 1, 1, match, []);
}
