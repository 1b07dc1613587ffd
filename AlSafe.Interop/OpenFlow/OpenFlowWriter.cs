using System.Buffers;
using System.Buffers.Binary;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Encodes OpenFlow messages, back to back, into one growing buffer: a bundle of thousands of flow mods becomes one
/// contiguous block that a single socket write can take. Each Write* call appends one complete message and patches
/// its length fields afterwards, so nothing is measured twice and nothing is allocated per message once the buffer
/// has grown to the working size.
/// </summary>
/// <remarks>Not thread-safe. Dispose returns the buffer to the shared pool.</remarks>
public sealed partial class OpenFlowWriter : IDisposable
{
    private const int MaxMessageLength = ushort.MaxValue;

    private byte[] _buffer;
    private int _written;

    public OpenFlowWriter(int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Clear() => _written = 0;

    /// <summary>Forgets what was written and, when a big batch grew the buffer past <paramref name="maxCapacity"/>,
    /// gives it back so one bulk load does not pin megabytes for the connection's life.</summary>
    public void Reset(int maxCapacity)
    {
        _written = 0;
        if (_buffer.Length > maxCapacity)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(maxCapacity);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _written = 0;
    }

    /// <summary>Starts a message whose length is patched by <see cref="EndMessage"/>; returns where it starts.</summary>
    private int BeginMessage(OpenFlowVersion version, OpenFlowMessageType type, uint xid) =>
        BeginMessage((byte)version, type, xid);

    private int BeginMessage(byte version, OpenFlowMessageType type, uint xid)
    {
        var start = _written;
        new OpenFlowHeader(version, type, 0, xid).Write(Reserve(OpenFlowHeader.Size));
        return start;
    }

    private void EndMessage(int start)
    {
        var length = _written - start;
        if (length > MaxMessageLength)
        {
            _written = start;
            throw new ArgumentException($"the encoded OpenFlow message is {length} bytes, more than the {MaxMessageLength} " +
                                        "its 16-bit length field can carry");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(start + 2), (ushort)length);
    }

    /// <summary>Patches a 16-bit length at <paramref name="at"/> with the bytes written since <paramref name="from"/>.</summary>
    private void PatchLength(int at, int from)
    {
        var length = _written - from;
        if (length > MaxMessageLength)
        {
            throw new ArgumentException($"an encoded OpenFlow structure is {length} bytes, beyond a 16-bit length field");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(at), (ushort)length);
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _written < count)
        {
            Grow(count);
        }

        var span = _buffer.AsSpan(_written, count);
        _written += count;
        return span;
    }

    private void Grow(int count)
    {
        var needed = checked(_written + count);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }

    private void U8(byte value) => Reserve(1)[0] = value;

    private void U16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    private void U32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    private void U64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);

    private void Zeros(int count) => Reserve(count).Clear();

    private void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Zero-pads the structure that began at <paramref name="start"/> to a multiple of 8 bytes.</summary>
    private void PadFrom(int start) => Zeros(WireCursor.Pad8(_written - start));
}
