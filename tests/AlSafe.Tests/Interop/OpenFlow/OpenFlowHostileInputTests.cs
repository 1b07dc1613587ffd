using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>A hostile or broken switch: every lie in a length field must end in an OpenFlowException
/// (ProtocolViolation), never an IndexOutOfRangeException, a hang or an allocation the size of the lie.</summary>
[TestFixture]
public sealed class OpenFlowHostileInputTests
{
    [Test]
    public void A_header_shorter_than_itself_or_longer_than_the_bytes_is_refused()
    {
        Assert.That(Violation(() => OpenFlowHeader.Read([4, 0, 0])).Message, Does.Contain("8 bytes"));
        Assert.That(Violation(() => OpenFlowHeader.Read([4, 0, 0, 4, 0, 0, 0, 1])).Message, Does.Contain("shorter than its own header"));
        var hello = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.Hello, 1).Build(declaredLength: 16);
        Assert.That(Violation(() => _ = new OpenFlowReader(hello)).Message, Does.Contain("declares 16 bytes but 8 were given"));
    }

    [Test]
    public void An_oxm_length_beyond_the_match_is_refused()
    {
        var message = FlowModPrefix().U16(1).U16(12).U32(0x800000ff).U32(1).Zeros(4).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()).Message, Does.Contain("OXM match is truncated: 255 bytes needed"));
    }

    [Test]
    public void A_match_length_beyond_the_message_is_refused()
    {
        var message = FlowModPrefix().U16(1).U16(400).U32(0x80000004).U32(1).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()).Message, Does.Contain("truncated"));
    }

    [Test]
    public void A_known_field_of_the_wrong_size_is_refused()
    {
        var message = FlowModPrefix().U16(1).U16(10).U32(0x80001402).U16(6).Zeros(6).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()).Message, Does.Contain("ip_proto has a 2-byte value; it is 1 bytes"));
    }

    [Test]
    public void A_masked_field_with_an_odd_payload_is_refused()
    {
        var message = FlowModPrefix().U16(1).U16(11).U32(0x80001b03).Bytes(1, 2, 3).Zeros(5).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()).Message, Does.Contain("not a value and a mask"));
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)4)]
    [TestCase((ushort)12)]
    public void A_zero_or_unaligned_action_length_cannot_loop(ushort length)
    {
        var message = FlowModPrefix().U16(1).U16(4).Zeros(4).U16(4).U16(24).Zeros(4).U16(0).U16(length).Zeros(12).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()).Message, Does.Contain("not a positive multiple of 8"));
    }

    [Test]
    public void An_action_longer_than_its_instruction_is_refused()
    {
        var message = FlowModPrefix().U16(1).U16(4).Zeros(4).U16(4).U16(24).Zeros(4).U16(0).U16(64).Zeros(12).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()).Message, Does.Contain("truncated"));
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)2048)]
    public void A_bad_instruction_length_is_refused(ushort length)
    {
        var message = FlowModPrefix().U16(1).U16(4).Zeros(4).U16(1).U16(length).Zeros(4).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowMod()), Is.Not.Null);
    }

    [Test]
    public void Conntrack_nested_in_conntrack_beyond_the_depth_limit_is_refused()
    {
        // Six ct() actions each wrapping the next: a recursion a hostile peer could make thousands deep.
        var depth = 6;
        var builder = FlowModPrefix().U16(1).U16(4).Zeros(4).U16(4).U16((ushort)(8 + 24 * depth)).Zeros(4);
        for (var level = 0; level < depth; level++)
        {
            builder.U16(0xffff).U16((ushort)(24 * (depth - level))).U32(0x2320).U16(35).U16(0).U32(0).U16(0).U8(0xff).Zeros(3).U16(0);
        }

        Assert.That(Violation(() => new OpenFlowReader(builder.Build()).ReadFlowMod()).Message, Does.Contain("nest deeper"));
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)7)]
    [TestCase((ushort)4000)]
    public void A_bad_flow_stats_entry_length_is_refused(ushort length)
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.MultipartReply, 1).U16(1).U16(0).Zeros(4)
            .U16(length).Zeros(62).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowStatsReply(new List<FlowStatsEntry>())), Is.Not.Null);
    }

    [Test]
    public void A_multipart_reply_of_another_type_is_refused()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.MultipartReply, 1).U16(0).U16(0).Zeros(4).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadFlowStatsReply(new List<FlowStatsEntry>())).Message,
            Does.Contain("OFPMP_FLOW"));
    }

    [Test]
    public void Hello_elements_with_bad_lengths_are_refused()
    {
        var zero = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.Hello, 1).U16(1).U16(0).U32(0).Build();
        var beyond = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.Hello, 1).U16(1).U16(200).U32(0).Build();
        var ragged = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.Hello, 1).U16(1).U16(6).U16(0).Zeros(2).Build();

        Assert.That(Violation(() => new OpenFlowReader(zero).ReadHello()), Is.Not.Null);
        Assert.That(Violation(() => new OpenFlowReader(beyond).ReadHello()), Is.Not.Null);
        Assert.That(Violation(() => new OpenFlowReader(ragged).ReadHello()).Message, Does.Contain("whole 32-bit words"));
    }

    [Test]
    public void A_bundle_add_whose_inner_xid_differs_is_refused()
    {
        var inner = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.BarrierRequest, 2).Build();
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.BundleAddMessage, 1).U32(1).U16(0).U16(1)
            .Bytes(inner).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadBundleAdd()).Message, Does.Contain("both must be equal"));
    }

    [Test]
    public void A_bundle_add_whose_inner_length_overruns_is_refused()
    {
        var inner = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.BarrierRequest, 1).Build(declaredLength: 300);
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.BundleAddMessage, 1).U32(1).U16(0).U16(1)
            .Bytes(inner).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadBundleAdd()).Message, Does.Contain("truncated"));
    }

    [Test]
    public void A_packet_out_whose_actions_overrun_is_refused()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow13, OpenFlowMessageType.PacketOut, 1).U32(OpenFlowBuffer.None)
            .U32(OpenFlowPort.Controller).U16(64).Zeros(6).Zeros(16).Build();

        Assert.That(Violation(() => new OpenFlowReader(message).ReadPacketOut()).Message, Does.Contain("truncated"));
    }

    [Test]
    public void Bodies_in_versions_before_13_are_not_decoded()
    {
        var message = new WireBuilder().U8(1).U8((byte)OpenFlowMessageType.FeaturesReply).U16(0).U32(1).Zeros(24).Build();

        var e = Assert.Throws<OpenFlowException>(() => new OpenFlowReader(message).ReadFeaturesReply())!;

        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.IncompatibleVersion));
    }

    [Test]
    public void Every_truncation_of_real_messages_fails_cleanly()
    {
        using var writer = new OpenFlowWriter();
        foreach (var version in OpenFlowSamples.Versions)
        {
            writer.Clear();
            writer.WriteFlowMod(version, 1, OpenFlowSamples.RichFlow());
            var whole = writer.WrittenSpan.ToArray();
            var original = OpenFlowSamples.RichFlow();
            for (var length = OpenFlowHeader.Size; length < whole.Length; length++)
            {
                var cut = whole[..length];
                cut[2] = (byte)(length >> 8);
                cut[3] = (byte)length;
                try
                {
                    var decoded = new OpenFlowReader(cut).ReadFlowMod();
                    // A cut exactly between two instructions is a valid, shorter flow mod.
                    Assert.That(decoded, Is.EqualTo(original with { Instructions = [.. original.Instructions.Take(decoded.Instructions.Count)] }),
                        $"{version} cut to {length}");
                    Assert.That(decoded.Instructions.Count, Is.LessThan(original.Instructions.Count));
                }
                catch (OpenFlowException)
                {
                    // the expected outcome inside any structure
                }
            }
        }
    }

    [Test]
    public void Random_corruption_never_escapes_as_anything_but_an_openflow_exception()
    {
        var random = new Random(4);
        using var writer = new OpenFlowWriter();
        var samples = new List<byte[]>();
        foreach (var version in OpenFlowSamples.Versions)
        {
            foreach (var flow in OpenFlowSamples.Table(9).Append(OpenFlowSamples.RichFlow()))
            {
                writer.Clear();
                writer.WriteFlowMod(version, 1, flow);
                samples.Add(writer.WrittenSpan.ToArray());
            }

            writer.Clear();
            writer.WritePacketOut(version, 2, new PacketOut { Actions = [OutputAction.Normal], Data = new byte[20] });
            samples.Add(writer.WrittenSpan.ToArray());
        }

        for (var round = 0; round < 20_000; round++)
        {
            var message = (byte[])samples[random.Next(samples.Count)].Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                message[random.Next(OpenFlowHeader.Size, message.Length)] = (byte)random.Next(256);
            }

            try
            {
                var reader = new OpenFlowReader(message);
                _ = reader.Header.Type == OpenFlowMessageType.FlowMod ? reader.ReadFlowMod()?.ToString() : reader.ReadPacketOut().ToString();
            }
            catch (OpenFlowException)
            {
                // the expected outcome for most corruptions
            }
        }
    }

    private static WireBuilder FlowModPrefix() =>
        WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.FlowMod, 1)
            .U64(0).U64(0).U8(0).U8(0).U16(0).U16(0).U16(1).U32(OpenFlowBuffer.None).U32(OpenFlowPort.Any).U32(OpenFlowGroup.Any).U16(0).U16(0);

    private static OpenFlowException Violation(TestDelegate action)
    {
        var e = Assert.Throws<OpenFlowException>(action)!;
        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.ProtocolViolation), e.Message);
        return e;
    }
}
