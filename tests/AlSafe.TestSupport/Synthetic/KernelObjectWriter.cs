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
