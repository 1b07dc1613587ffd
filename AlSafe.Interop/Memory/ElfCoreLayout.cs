using System.Buffers.Binary;
using AlSafe.Core.Introspection.Memory;

namespace AlSafe.Interop.Memory;

/// <summary>
/// Reads the physical layout of an ELF core written by QMP dump-guest-memory: each PT_LOAD segment holds the guest RAM
/// at p_paddr. The file is input from elsewhere, so every offset and count is checked before it is used.
/// </summary>
/// <remarks>e_machine and e_ehsize are not checked: QEMU 7.2 writes EM_386 for a 64-bit core while the vCPU is not in
/// long mode, and an e_ehsize of 8.</remarks>
internal static class ElfCoreLayout
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const byte ElfClass64 = 2;
    private const byte ElfDataLittleEndian = 1;
    private const ushort CoreType = 4;
    private const uint LoadSegment = 1;
    private const ushort ExtendedNumbering = 0xffff;

    // QEMU writes one segment per contiguous RAM block: far fewer than this, which bounds the table we read.
    private const int MaxSegments = 1 << 18;

    public static bool HasElfMagic(FileStream stream)
    {
        Span<byte> magic = stackalloc byte[4];
        return stream.Length >= magic.Length && TryReadExactly(stream, 0, magic) && IsElfMagic(magic);
    }

    public static PhysicalLayout Read(FileStream stream, string path)
    {
        var fileLength = (ulong)stream.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        if (!TryReadExactly(stream, 0, header) || !IsElfMagic(header))
        {
            throw Invalid(path, "it does not start with an ELF header");
        }

        if (header[4] != ElfClass64 || header[5] != ElfDataLittleEndian)
        {
            throw Invalid(path, $"it is not a 64-bit little-endian ELF file (class {header[4]}, data {header[5]})");
        }

        var type = BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        if (type != CoreType)
        {
            throw Invalid(path, $"its ELF type is {type}, not a core ({CoreType})");
        }

        var programOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[54..]);
        var count = (ulong)BinaryPrimitives.ReadUInt16LittleEndian(header[56..]);
        if (entrySize != ProgramHeaderSize)
        {
            throw Invalid(path, $"its program headers are {entrySize} bytes, not the {ProgramHeaderSize} of ELF64");
        }

        if (count == ExtendedNumbering)
        {
            count = ReadExtendedCount(stream, path, header, fileLength);
        }

        if (count is 0 or > MaxSegments)
        {
            throw Invalid(path, $"it has {count} program headers");
        }

        var tableLength = count * ProgramHeaderSize;
        if (programOffset > fileLength || tableLength > fileLength - programOffset)
        {
            throw Invalid(path, $"its program header table (0x{programOffset:x}+0x{tableLength:x}) lies beyond its end (0x{fileLength:x})");
        }

        var table = new byte[tableLength];
        if (!TryReadExactly(stream, (long)programOffset, table))
        {
            throw Invalid(path, "its program header table could not be read in full");
        }

        var ranges = new List<PhysicalRange>();
        for (var i = 0; i < (int)count; i++)
        {
            var entry = table.AsSpan(i * ProgramHeaderSize, ProgramHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) != LoadSegment)
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            var physical = BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]);
            var size = BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);
            if (offset > fileLength || size > fileLength - offset)
            {
                throw Invalid(path, $"PT_LOAD {i} (file 0x{offset:x}+0x{size:x}) lies beyond its end (0x{fileLength:x})");
            }

            if (size > ulong.MaxValue - physical)
            {
                throw Invalid(path, $"PT_LOAD {i} (physical 0x{physical:x}+0x{size:x}) wraps the address space");
            }

            ranges.Add(new PhysicalRange(physical, size, offset));
        }

        try
        {
            return new PhysicalLayout(ranges);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path} is not a usable ELF core: {e.Message}", e);
        }
    }

    // With 0xffff or more segments the real count is in sh_info of section header 0.
    private static ulong ReadExtendedCount(FileStream stream, string path, ReadOnlySpan<byte> header, ulong fileLength)
    {
        var sectionOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        if (sectionOffset > fileLength || SectionHeaderSize > fileLength - sectionOffset)
        {
            throw Invalid(path, "it uses extended program header numbering but has no section header 0");
        }

        Span<byte> section = stackalloc byte[SectionHeaderSize];
        if (!TryReadExactly(stream, (long)sectionOffset, section))
        {
            throw Invalid(path, "its section header 0 could not be read");
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(section[44..]);
    }

    private static bool IsElfMagic(ReadOnlySpan<byte> bytes) =>
        bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    private static bool TryReadExactly(FileStream stream, long offset, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(stream.SafeFileHandle, buffer, offset);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
            offset += read;
        }

        return true;
    }

    private static InvalidDataException Invalid(string path, string why) => new($"{path} is not a usable ELF core: {why}");
}
