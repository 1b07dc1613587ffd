using System.Buffers.Binary;
using System.Text;

namespace AlSafe.Core.Profiles.Elf;

/// <summary>
/// A little-endian ELF64 image held in memory, such as the vmlinux inside a bzImage. It answers what profile building
/// asks: a section by name, the bytes at a link-time virtual address, and the GNU build id.
/// </summary>
public sealed class ElfImage
{
    private const int HeaderSize = 64;
    private const uint LoadSegment = 1;
    private const uint NtGnuBuildId = 3;

    private readonly ReadOnlyMemory<byte> _image;
    private readonly ElfSection[] _sections;
    private readonly Segment[] _segments;

    /// <exception cref="InvalidDataException">The bytes are not a well-formed little-endian ELF64 image.</exception>
    public ElfImage(ReadOnlyMemory<byte> image)
    {
        _image = image;
        var span = image.Span;
        if (span.Length < HeaderSize || !span[..4].SequenceEqual("\u007fELF"u8))
        {
            throw new InvalidDataException("not an ELF image (no \\x7fELF magic)");
        }

        if (span[4] != 2 || span[5] != 1)
        {
            throw new InvalidDataException($"only little-endian ELF64 is supported (class {span[4]}, data {span[5]})");
        }

        _segments = ReadSegments(span);
        _sections = ReadSections(span);
    }

    public IReadOnlyList<ElfSection> Sections => _sections;

    public bool TryGetSection(string name, out ElfSection section)
    {
        foreach (var s in _sections)
        {
            if (s.Name == name)
            {
                section = s;
                return true;
            }
        }

        section = default;
        return false;
    }

    /// <summary>The file contents of the section called <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The image has no such section.</exception>
    public ReadOnlyMemory<byte> SectionData(string name) =>
        TryGetSection(name, out var s)
            ? _image.Slice((int)s.Offset, (int)s.FileSize)
            : throw new InvalidDataException($"the ELF image has no {name} section");

    /// <summary>The <paramref name="length"/> bytes at link-time virtual address <paramref name="address"/>, taken
    /// from the loadable segment or, for images without program headers, the section that holds them.</summary>
    /// <exception cref="InvalidDataException">No part of the file backs that whole range.</exception>
    public ReadOnlySpan<byte> Read(ulong address, int length)
    {
        var available = BackedFrom(address);
        return length <= available.Length
            ? available[..length]
            : throw new InvalidDataException($"address 0x{address:x} (+{length}) is not backed by the ELF file");
    }

    /// <summary>The NUL-terminated string at <paramref name="address"/>, read as UTF-8, at most
    /// <paramref name="maxLength"/> bytes long.</summary>
    /// <exception cref="InvalidDataException">The address is not in the file or the string does not end in time.</exception>
    public string ReadCString(ulong address, int maxLength)
    {
        var available = BackedFrom(address);
        var end = available[..Math.Min(maxLength, available.Length)].IndexOf((byte)0);
        return end >= 0
            ? Encoding.UTF8.GetString(available[..end])
            : throw new InvalidDataException($"the string at 0x{address:x} does not end within {maxLength} bytes");
    }

    /// <summary>The GNU build id from the image's notes in lower-case hex, or empty when it has none.</summary>
    public string BuildId()
    {
        foreach (var s in _sections)
        {
            if (s.Type == ElfSection.NoteType && FindGnuBuildId(_image.Span.Slice((int)s.Offset, (int)s.FileSize)) is { } id)
            {
                return id;
            }
        }

        return "";
    }

    /// <summary>The file bytes from <paramref name="address"/> to the end of the segment (or section) holding it.</summary>
    private ReadOnlySpan<byte> BackedFrom(ulong address)
    {
        foreach (var seg in _segments)
        {
            if (address >= seg.Address && address - seg.Address < seg.FileSize)
            {
                return _image.Span.Slice((int)(seg.Offset + (address - seg.Address)), (int)(seg.FileSize - (address - seg.Address)));
            }
        }

        foreach (var s in _sections)
        {
            if (s.Address != 0 && address >= s.Address && address - s.Address < s.FileSize)
            {
                return _image.Span.Slice((int)(s.Offset + (address - s.Address)), (int)(s.FileSize - (address - s.Address)));
            }
        }

        throw new InvalidDataException($"address 0x{address:x} is not backed by the ELF file");
    }

    private static string? FindGnuBuildId(ReadOnlySpan<byte> notes)
    {
        while (notes.Length >= 12)
        {
            var nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes);
            var descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[4..]);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(notes[8..]);
            var nameEnd = 12 + Align4(nameSize);
            var descEnd = nameEnd + Align4(descSize);
            if (descEnd > (ulong)notes.Length)
            {
                return null;
            }

            if (type == NtGnuBuildId && notes.Slice(12, (int)nameSize).SequenceEqual("GNU\0"u8))
            {
                return Convert.ToHexStringLower(notes.Slice((int)nameEnd, (int)descSize));
            }

            notes = notes[(int)descEnd..];
        }

        return null;
    }

    private static ulong Align4(uint size) => (size + 3UL) & ~3UL;

    private static Segment[] ReadSegments(ReadOnlySpan<byte> image)
    {
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(image[0x20..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image[0x36..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(image[0x38..]);
        var table = Table(image, offset, entrySize, count, 56, "program header");
        var segments = new List<Segment>(count);
        for (var i = 0; i < count; i++)
        {
            var e = table.Slice(i * entrySize, entrySize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(e) != LoadSegment)
            {
                continue;
            }

            var fileOffset = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
            var fileSize = BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
            CheckInFile(image, fileOffset, fileSize, $"segment {i}");
            segments.Add(new Segment(BinaryPrimitives.ReadUInt64LittleEndian(e[16..]), fileOffset, fileSize));
        }

        return [.. segments];
    }

    private static ElfSection[] ReadSections(ReadOnlySpan<byte> image)
    {
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(image[0x28..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3a..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3c..]);
        var namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3e..]);
        if (count == 0)
        {
            return [];
        }

        var table = Table(image, offset, entrySize, count, 64, "section header");
        if (namesIndex >= count)
        {
            throw new InvalidDataException($"the section name table index {namesIndex} is past the {count} sections");
        }

        var namesHeader = table.Slice(namesIndex * entrySize, entrySize);
        var namesOffset = BinaryPrimitives.ReadUInt64LittleEndian(namesHeader[24..]);
        var namesSize = BinaryPrimitives.ReadUInt64LittleEndian(namesHeader[32..]);
        CheckInFile(image, namesOffset, namesSize, "the section name table");
        var names = image.Slice((int)namesOffset, (int)namesSize);

        var sections = new ElfSection[count];
        for (var i = 0; i < count; i++)
        {
            var e = table.Slice(i * entrySize, entrySize);
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(e);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            var fileOffset = BinaryPrimitives.ReadUInt64LittleEndian(e[24..]);
            var size = BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
            var fileSize = type == ElfSection.NoBitsType ? 0 : size;
            if (nameOffset >= names.Length)
            {
                throw new InvalidDataException($"section {i} has a name offset past the section name table");
            }

            var name = names[(int)nameOffset..];
            var end = name.IndexOf((byte)0);
            CheckInFile(image, fileOffset, fileSize, $"section {i}");
            sections[i] = new ElfSection(
                Encoding.UTF8.GetString(end < 0 ? name : name[..end]),
                type,
                BinaryPrimitives.ReadUInt64LittleEndian(e[16..]),
                fileOffset,
                size,
                fileSize);
        }

        return sections;
    }

    private static ReadOnlySpan<byte> Table(ReadOnlySpan<byte> image, ulong offset, ushort entrySize, ushort count, int minEntry, string what)
    {
        if (count == 0)
        {
            return default;
        }

        if (entrySize < minEntry)
        {
            throw new InvalidDataException($"the {what} entry size {entrySize} is below {minEntry}");
        }

        CheckInFile(image, offset, (ulong)entrySize * count, $"the {what} table");
        return image.Slice((int)offset, entrySize * count);
    }

    private static void CheckInFile(ReadOnlySpan<byte> image, ulong offset, ulong size, string what)
    {
        if (offset > (ulong)image.Length || size > (ulong)image.Length - offset)
        {
            throw new InvalidDataException(
                $"{what} (offset 0x{offset:x}, {size} bytes) lies past the end of the {image.Length}-byte image: truncated?");
        }
    }

    private readonly record struct Segment(ulong Address, ulong Offset, ulong FileSize);
}
