using System.Buffers.Binary;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Core.Introspection.Translation;

namespace AlSafe.Core.Introspection.Walkers;

/// <summary>
/// Reads kernel virtual memory for the walkers. Every pointer taken from the guest goes through
/// <see cref="Pointer"/>, which refuses anything that is not a canonical kernel address, and every read fails with an
/// <see cref="IntrospectionException"/> naming what was being read instead of returning garbage.
/// </summary>
public sealed class GuestReader
{
    private readonly IPhysicalMemory _memory;
    private readonly PageTableWalker _pages;

    public GuestReader(IPhysicalMemory memory, PageTableWalker pages, Deadline deadline)
    {
        _memory = memory;
        _pages = pages;
        Deadline = deadline;
    }

    public Deadline Deadline { get; }

    public int PagesTouched => _pages.PagesTouched;

    public void Read(ulong address, Span<byte> destination, string what)
    {
        while (!destination.IsEmpty)
        {
            var inPage = (int)Math.Min((ulong)destination.Length, 0x1000 - (address & 0xFFF));
            if (!_pages.TryTranslate(address, out var physical))
            {
                throw new IntrospectionException(IntrospectionFault.Unmapped, $"{what}: virtual address 0x{address:x} is not mapped");
            }

            if (!_memory.TryRead(physical, destination[..inPage]))
            {
                throw new IntrospectionException(
                    IntrospectionFault.Unmapped,
                    $"{what}: virtual address 0x{address:x} maps to 0x{physical:x}, outside guest RAM");
            }

            destination = destination[inPage..];
            address += (ulong)inPage;
        }
    }

    public byte U8(ulong address, string what)
    {
        Span<byte> b = stackalloc byte[1];
        Read(address, b, what);
        return b[0];
    }

    public ushort U16(ulong address, string what)
    {
        Span<byte> b = stackalloc byte[2];
        Read(address, b, what);
        return BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    public uint U32(ulong address, string what)
    {
        Span<byte> b = stackalloc byte[4];
        Read(address, b, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public ulong U64(ulong address, string what)
    {
        Span<byte> b = stackalloc byte[8];
        Read(address, b, what);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>Reads a pointer that must not be NULL.</summary>
    public ulong Pointer(ulong address, string what) =>
        OptionalPointer(address, what) is var p and not 0
            ? p
            : throw new IntrospectionException(IntrospectionFault.Unmapped, $"{what}: unexpected NULL pointer at 0x{address:x}");

    /// <summary>Reads a pointer that may be NULL (returned as 0) but otherwise must be a canonical kernel address.</summary>
    public ulong OptionalPointer(ulong address, string what) => CheckPointer(U64(address, what), address, what);

    /// <summary>Checks a pointer value already read from <paramref name="address"/>; NULL passes as 0.</summary>
    public ulong CheckPointer(ulong value, ulong address, string what)
    {
        if (value != 0 && !_pages.IsKernelCanonical(value))
        {
            throw new IntrospectionException(
                IntrospectionFault.NonCanonicalPointer,
                $"{what}: 0x{value:x} (read at 0x{address:x}) is not a canonical kernel address");
        }

        return value;
    }
}
