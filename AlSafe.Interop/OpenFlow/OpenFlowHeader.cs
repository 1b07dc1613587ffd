using System.Buffers.Binary;

namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_header, the 8 bytes in front of every OpenFlow message.</summary>
/// <param name="Version">The wire version byte; kept raw because a peer's HELLO may carry versions older than 1.3.</param>
/// <param name="Length">The whole message's length, header included.</param>
/// <param name="Xid">Transaction id: a reply or error carries the xid of the request it answers.</param>
public readonly record struct OpenFlowHeader(byte Version, OpenFlowMessageType Type, ushort Length, uint Xid)
{
    public const int Size = 8;

    /// <summary>Reads the header at the start of <paramref name="bytes"/>; its length is checked against the minimum
    /// only, since a stream reader has not yet received the rest.</summary>
    /// <exception cref="OpenFlowException">Fewer than 8 bytes, or a length field below 8.</exception>
    public static OpenFlowHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            throw OpenFlowException.Violation($"an OpenFlow header needs {Size} bytes, {bytes.Length} were given");
        }

        var header = new OpenFlowHeader(bytes[0], (OpenFlowMessageType)bytes[1], BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]));
        // A length below the header's own size would make a stream reader loop on the same bytes forever.
        return header.Length < Size
            ? throw OpenFlowException.Violation($"OpenFlow {header.Type} (xid 0x{header.Xid:x}) declares length {header.Length}, " +
                                                $"shorter than its own header")
            : header;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Xid);
    }
}
