using System.Buffers.Binary;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Hand-assembles OpenFlow messages a switch would send (or a broken one might), byte by byte, so the
/// reader is tested against bytes the writer did not produce.</summary>
internal sealed class WireBuilder
{
    private readonly List<byte> _bytes = [];

    public static WireBuilder Message(OpenFlowVersion version, OpenFlowMessageType type, uint xid) =>
        new WireBuilder().U8((byte)version).U8((byte)type).U16(0).U32(xid);

    public int Length => _bytes.Count;

    public WireBuilder U8(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public WireBuilder U16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public WireBuilder U32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public WireBuilder U64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public WireBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public WireBuilder Zeros(int count) => Bytes(new byte[count]);

    /// <summary>An OXM match holding in_port, padded to 8.</summary>
    public WireBuilder InPortMatch(uint port) => U16(1).U16(12).U32(0x80000004).U32(port).Zeros(4);

    /// <summary>The bytes, with the header's length set to their count (or to <paramref name="declaredLength"/>).</summary>
    public byte[] Build(int? declaredLength = null)
    {
        var bytes = _bytes.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(declaredLength ?? bytes.Length));
        return bytes;
    }
}
