using System.Net;
using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Encode, decode, compare: the reader recovers exactly the model the writer was given.</summary>
[TestFixture]
public sealed class OpenFlowRoundTripTests
{
    private OpenFlowWriter _writer = null!;

    [SetUp]
    public void SetUp() => _writer = new OpenFlowWriter(64);

    [TearDown]
    public void TearDown() => _writer.Dispose();

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void Flow_mods_round_trip(OpenFlowVersion version)
    {
        var flows = OpenFlowSamples.Table(0x77).Append(OpenFlowSamples.RichFlow()).Append(FlowMod.DeleteByCookie(0x77))
            .Append(OpenFlowSamples.RichFlow() with { Command = FlowModCommand.ModifyStrict, Flags = FlowModFlags.ResetCounts, HardTimeout = 9 });

        foreach (var flow in flows)
        {
            _writer.Clear();
            _writer.WriteFlowMod(version, 42, flow);
            var reader = new OpenFlowReader(_writer.WrittenSpan);

            Assert.That(reader.Header, Is.EqualTo(new OpenFlowHeader((byte)version, OpenFlowMessageType.FlowMod, (ushort)_writer.WrittenCount, 42)));
            Assert.That(reader.ReadFlowMod(), Is.EqualTo(flow), flow.ToString());
        }
    }

    [Test]
    public void Many_messages_are_written_back_to_back_and_each_decodes()
    {
        var table = OpenFlowSamples.Table(1);
        for (var i = 0; i < table.Count; i++)
        {
            _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, (uint)i, table[i]);
        }

        var rest = _writer.WrittenSpan;
        for (var i = 0; i < table.Count; i++)
        {
            var header = OpenFlowHeader.Read(rest);
            var reader = new OpenFlowReader(rest[..header.Length]);
            Assert.That(reader.Header.Xid, Is.EqualTo((uint)i));
            Assert.That(reader.ReadFlowMod(), Is.EqualTo(table[i]));
            rest = rest[header.Length..];
        }

        Assert.That(rest.IsEmpty);
    }

    [Test]
    public void Every_message_is_a_multiple_of_8_bytes()
    {
        foreach (var flow in OpenFlowSamples.Table(3))
        {
            _writer.Clear();
            _writer.WriteFlowMod(OpenFlowVersion.OpenFlow13, 1, flow);
            Assert.That(_writer.WrittenCount % 8, Is.Zero, flow.ToString());
        }
    }

    [Test]
    public void Match_equality_ignores_field_order_but_not_values()
    {
        var a = new OxmMatch([OxmField.EthType(0x800), OxmField.IpProto(6), OxmField.TcpDst(22)]);
        var b = new OxmMatch([OxmField.TcpDst(22), OxmField.EthType(0x800), OxmField.IpProto(6)]);
        var c = new OxmMatch([OxmField.TcpDst(23), OxmField.EthType(0x800), OxmField.IpProto(6)]);

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void Factories_normalise_masks_as_the_switch_stores_them()
    {
        Assert.That(OxmField.TcpDst(80, 0xffff).HasMask, Is.False);
        Assert.That(OxmField.Ipv4Src(IPAddress.Parse("10.1.2.3"), 8), Is.EqualTo(new OxmField(OxmClass.OpenFlowBasic, 11, [10, 0, 0, 0], [255, 0, 0, 0])));
        Assert.That(OxmField.Ipv6Dst(IPAddress.Parse("fd00::1")).HasMask, Is.False);
        Assert.That(OxmField.CtState(CtStateFlags.Tracked, CtStateFlags.New).ToString(), Is.EqualTo("ct_state=-new+trk"));
        Assert.That(OxmField.Ipv6Src(IPAddress.Parse("fd00::"), 64).ToString(), Is.EqualTo("ipv6_src=fd00::/ffff:ffff:ffff:ffff::"));
        Assert.Throws<ArgumentOutOfRangeException>(() => OxmField.Ipv4Dst(IPAddress.Parse("10.0.0.0"), 0));
        Assert.Throws<ArgumentException>(() => OxmField.Ipv4Dst(IPAddress.Parse("fd00::1")));
        Assert.Throws<ArgumentException>(() => OxmField.CtState(CtStateFlags.New, CtStateFlags.New));
    }

    [Test]
    public void Bundle_messages_round_trip()
    {
        var control = new BundleControlMessage(9, BundleControlType.CommitRequest, BundleFlags.Atomic | BundleFlags.Ordered);
        _writer.WriteBundleControl(OpenFlowVersion.OpenFlow15, 3, control);
        Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadBundleControl(), Is.EqualTo(control));

        _writer.Clear();
        var flow = OpenFlowSamples.RichFlow();
        _writer.WriteBundleAddFlowMod(OpenFlowVersion.OpenFlow14, 0x51, 9, BundleFlags.Atomic, flow);
        var add = new OpenFlowReader(_writer.WrittenSpan).ReadBundleAdd();

        Assert.That(add.BundleId, Is.EqualTo(9u));
        Assert.That(add.Flags, Is.EqualTo(BundleFlags.Atomic));
        Assert.That(add.Inner.Xid, Is.EqualTo(0x51u));
        Assert.That(add.FlowMod, Is.EqualTo(flow));
    }

    [Test]
    public void Bundles_cannot_be_encoded_for_13()
    {
        Assert.Throws<ArgumentException>(() => _writer.WriteBundleControl(OpenFlowVersion.OpenFlow13, 1,
            new BundleControlMessage(1, BundleControlType.OpenRequest, BundleFlags.Atomic)));
        Assert.That(_writer.WrittenCount, Is.Zero);
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void Packet_out_round_trips(OpenFlowVersion version)
    {
        var packetOut = new PacketOut
        {
            InPort = 3,
            Actions = [OutputAction.Normal, new ConntrackAction { Zone = 4, RecirculationTable = 1 }],
            Data = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray(),
        };
        _writer.WritePacketOut(version, 5, packetOut);

        Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadPacketOut(), Is.EqualTo(packetOut));
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void Async_config_round_trips_in_the_form_of_each_version(OpenFlowVersion version)
    {
        var config = new AsyncConfig { PacketIn = new AsyncMasks(0x21, 0x1), PortStatus = new AsyncMasks(7, 0), FlowRemoved = new AsyncMasks(0, 4) };
        if (version >= OpenFlowVersion.OpenFlow14)
        {
            config = config with { RoleStatus = new AsyncMasks(1, 0), TableStatus = new AsyncMasks(0, 2), RequestForward = AsyncMasks.All };
        }

        _writer.WriteSetAsync(version, 6, config);

        Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadAsyncConfig(), Is.EqualTo(config));
    }

    [Test]
    public void Async_kinds_of_14_cannot_be_set_on_13()
    {
        Assert.Throws<ArgumentException>(() =>
            _writer.WriteSetAsync(OpenFlowVersion.OpenFlow13, 1, new AsyncConfig { RoleStatus = AsyncMasks.All }));
    }

    [Test]
    public void Flow_stats_request_round_trips()
    {
        var request = new FlowStatsRequest { TableId = 4, Cookie = 0x99, CookieMask = 0xff, OutGroup = 2, Match = new OxmMatch([OxmField.CtZone(8)]) };
        _writer.WriteFlowStatsRequest(OpenFlowVersion.OpenFlow15, 8, request);

        Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadFlowStatsRequest(), Is.EqualTo(request));
    }

    [Test]
    public void Hello_round_trips_and_negotiates_the_highest_common_version()
    {
        _writer.WriteHello(1, OpenFlowVersion.OpenFlow14, OpenFlowVersion.OpenFlow15);
        var hello = new OpenFlowReader(_writer.WrittenSpan).ReadHello();

        Assert.That(hello.HeaderVersion, Is.EqualTo((byte)OpenFlowVersion.OpenFlow15));
        Assert.That(hello.Supports(4), Is.False);
        Assert.That(hello.Supports(5) && hello.Supports(6));
        Assert.That(hello.ToString(), Is.EqualTo("HELLO OpenFlow 1.5, speaks OpenFlow 1.4, OpenFlow 1.5"));
    }

    [Test]
    public void Randomised_flows_round_trip()
    {
        var random = new Random(20261127);
        for (var n = 0; n < 500; n++)
        {
            var flow = RandomFlow(random);
            var version = OpenFlowSamples.Versions[random.Next(3)];
            if (version == OpenFlowVersion.OpenFlow13)
            {
                flow = flow with { Importance = 0 };
            }

            _writer.Clear();
            _writer.WriteFlowMod(version, (uint)n, flow);
            Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadFlowMod(), Is.EqualTo(flow), flow.ToString());
        }
    }

    [Test]
    public void Writer_leaves_nothing_behind_when_a_flow_mod_cannot_be_encoded()
    {
        _writer.WriteBarrierRequest(OpenFlowVersion.OpenFlow14, 1);
        var before = _writer.WrittenCount;
        var huge = new FlowMod
        {
            Instructions = [new ApplyActionsInstruction(Enumerable.Range(0, 5000).Select(i => new OutputAction((uint)i)))],
        };

        Assert.Throws<ArgumentException>(() => _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, 2, huge));
        Assert.Throws<ArgumentException>(() => _writer.WriteFlowMod(OpenFlowVersion.OpenFlow13, 3, OpenFlowSamples.RichFlow() with { Importance = 1 }));
        Assert.That(_writer.WrittenCount, Is.EqualTo(before));
    }

    private static FlowMod RandomFlow(Random random)
    {
        var fields = new List<OxmField>();
        var ipv6 = random.Next(2) == 0;
        fields.Add(OxmField.EthType(ipv6 ? (ushort)0x86dd : (ushort)0x0800));
        fields.Add(OxmField.IpProto(random.Next(2) == 0 ? (byte)6 : (byte)17));
        var address = new byte[ipv6 ? 16 : 4];
        random.NextBytes(address);
        fields.Add(ipv6
            ? OxmField.Ipv6Dst(new IPAddress(address), random.Next(1, 129))
            : OxmField.Ipv4Dst(new IPAddress(address), random.Next(1, 33)));
        fields.Add(OxmField.TcpDst((ushort)random.Next(65536), (ushort)random.Next(1, 65536)));
        if (random.Next(2) == 0)
        {
            fields.Add(OxmField.CtState((CtStateFlags)random.Next(0x40) | CtStateFlags.Tracked, CtStateFlags.None));
            fields.Add(OxmField.CtZone((ushort)random.Next(65536)));
        }

        var actions = new List<OpenFlowAction>();
        for (var i = random.Next(4); i > 0; i--)
        {
            actions.Add(random.Next(3) switch
            {
                0 => new OutputAction((uint)random.Next(1, 100)),
                1 => new ConntrackAction
                {
                    Flags = (ConntrackFlags)random.Next(4), Zone = (ushort)random.Next(65536), RecirculationTable = (byte)random.Next(256),
                    Actions = random.Next(2) == 0 ? [] : [new SetFieldAction(OxmField.CtMark((uint)random.Next()))],
                },
                _ => new RawAction(0xffff, [0, 0, 0x23, 0x20, 0, 99, 1, 2, 3, 4, 5, 6]),
            });
        }

        return new FlowMod
        {
            Cookie = (ulong)random.NextInt64(),
            TableId = (byte)random.Next(254),
            Priority = (ushort)random.Next(65536),
            IdleTimeout = (ushort)random.Next(100),
            Importance = (ushort)random.Next(3),
            Match = new OxmMatch(fields),
            Instructions = random.Next(2) == 0
                ? [new ApplyActionsInstruction(actions)]
                : [new ApplyActionsInstruction(actions), new GotoTableInstruction((byte)random.Next(1, 254))],
        };
    }
}
