using System.Buffers.Binary;
using AlSafe.Core.Profiles;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>Writes struct members at the offsets a profile gives, so that an image and its profile cannot disagree.</summary>
internal sealed class KernelObjectWriter(ArrayPhysicalMemory memory, KernelProfile profile)
{
    public ArrayPhysicalMemory Memory => memory;

    public ulong Offset(string type, string field) => profile.Types[type].Fields[field];

    public ulong SizeOf(string type) => profile.Types[type].Size;

    public void U64(ulong address, string type, string field, ulong value) => U64(address + Offset(type, field), value);

    public void U32(ulong address, string type, string field, uint value) => U32(address + Offset(type, field), value);

    public void U16(ulong address, string type, string field, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        memory.Write(address + Offset(type, field), b);
    }

    public void Bytes(ulong address, string type, string field, ReadOnlySpan<byte> value) =>
        memory.Write(address + Offset(type, field), value);

    /// <summary>Stores <paramref name="value"/> in a bitfield member, keeping the other bits of the bytes it shares
    /// with its neighbours.</summary>
    public void Bits(ulong address, string type, string field, ulong value)
    {
        var bits = profile.Types[type].BitFields[field];
        Span<byte> b = stackalloc byte[1];
        for (var i = 0; i < bits.BitLength; i++)
        {
            var at = address + ((bits.BitOffset + (ulong)i) / 8);
            var mask = (byte)(1 << (int)((bits.BitOffset + (ulong)i) % 8));
            if (!memory.TryRead(at, b))
            {
                throw new ArgumentOutOfRangeException(nameof(address), $"{type}.{field} at 0x{at:x} lies outside the image");
            }

            b[0] = ((value >> i) & 1) != 0 ? (byte)(b[0] | mask) : (byte)(b[0] & ~mask);
            memory.Write(at, b);
        }
    }

    public void U64(ulong address, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        memory.Write(address, b);
    }

    public void U32(ulong address, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        memory.Write(address, b);
    }
}
