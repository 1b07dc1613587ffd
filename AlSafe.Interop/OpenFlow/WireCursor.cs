using System.Buffers.Binary;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// A bounds-checked big-endian cursor over one OpenFlow structure. Every nested structure gets its own cursor over
/// exactly the bytes its length field claims, so a lying inner length can never reach past its container: it fails
/// here as a protocol violation instead of an IndexOutOfRangeException further on.
/// </summary>
internal ref struct WireCursor
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _context;
    private int _position;

    public WireCursor(ReadOnlySpan<byte> data, string context)
    {
        _data = data;
        _context = context;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool IsEmpty => _position == _data.Length;

    public readonly string Context => _context;

    public readonly ReadOnlySpan<byte> Rest => _data[_position..];

    public byte U8()
    {
        Need(1);
        return _data[_position++];
    }

    public ushort U16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += 2;
        return value;
    }

    public uint U32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public ulong U64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public void Skip(int count)
    {
        Need(count);
        _position += count;
    }

    public ReadOnlySpan<byte> Bytes(int count)
    {
        Need(count);
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>Takes the next <paramref name="count"/> bytes as a cursor of their own.</summary>
    public WireCursor Slice(int count, string context) => new(Bytes(count), context);

    /// <summary>Skips the padding that aligns a structure which began at <paramref name="start"/> to 8 bytes.</summary>
    public void SkipPaddingFrom(int start) => Skip(Pad8(_position - start));

    /// <summary>The zero bytes that follow <paramref name="length"/> bytes to reach a multiple of 8.</summary>
    public static int Pad8(int length) => (8 - (length & 7)) & 7;

    private readonly void Need(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw OpenFlowException.Violation(
                $"{_context} is truncated: {count} bytes needed at offset {_position}, {Remaining} left");
        }
    }
}
