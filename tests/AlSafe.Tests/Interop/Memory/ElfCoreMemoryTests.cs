using System.Buffers.Binary;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Interop.Memory;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Memory;

/// <summary>ELF cores built by hand: the layout QEMU writes, and the ways a damaged or hostile file can lie.</summary>
[TestFixture]
public sealed class ElfCoreMemoryTests : TemporaryFileTests
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;

    [Test]
    public void PT_LOAD_segments_become_the_layout()
    {
        var path = Write(BuildCore([(0, 0x2000), (0x10_0000, 0x1000), (0xfffc_0000, 0x800)]));
        using var memory = MappedGuestMemory.OpenElfCore(path);

        Assert.That(memory.Layout.Ranges.Select(r => (r.GuestStart, r.Length)),
            Is.EqualTo(new[] { (0UL, 0x2000UL), (0x10_0000UL, 0x1000UL), (0xfffc_0000UL, 0x800UL) }));
        Assert.That(memory.PhysicalLimit, Is.EqualTo(0xfffc_0800UL));
        foreach (var address in new ulong[] { 0, 0x1ff8, 0x10_0000, 0x10_0ff8, 0xfffc_07f8 })
        {
            Assert.That(ReadWord(memory, address), Is.EqualTo(MappedGuestMemoryTests.Pattern(address)), $"0x{address:x}");
        }

        Assert.That(memory.TryRead(0x2000, new byte[8]), Is.False);
        Assert.That(memory.TryRead(0x1ffc, new byte[8]), Is.False);
    }

    [Test]
    public void Open_recognises_a_core_by_its_magic()
    {
        var path = Write(BuildCore([(0x1000, 0x1000)]));
        using var memory = MappedGuestMemory.Open(path, "flat");

        Assert.That(memory.Layout.ToString(), Does.StartWith("0x1000+0x1000@"));
        Assert.That(ReadWord(memory, 0x1008), Is.EqualTo(MappedGuestMemoryTests.Pattern(0x1008)));
    }

    [Test]
    public void Extended_program_header_numbering_is_followed()
    {
        var path = Write(BuildCore([(0, 0x1000), (0x4000, 0x1000)], extendedNumbering: true));
        using var memory = MappedGuestMemory.OpenElfCore(path);

        Assert.That(memory.Layout.Ranges, Has.Count.EqualTo(2));
        Assert.That(ReadWord(memory, 0x4ff8), Is.EqualTo(MappedGuestMemoryTests.Pattern(0x4ff8)));
    }

    [TestCase(4, (byte)1, "64-bit", TestName = "A 32-bit ELF is refused")]
    [TestCase(5, (byte)2, "little-endian", TestName = "A big-endian ELF is refused")]
    [TestCase(16, (byte)2, "not a core", TestName = "An executable is refused")]
    [TestCase(54, (byte)32, "program headers are 32 bytes", TestName = "A short program header size is refused")]
    [TestCase(0, (byte)'K', "ELF header", TestName = "A file without the ELF magic is refused")]
    public void A_malformed_header_is_refused(int offset, byte value, string reason)
    {
        var core = BuildCore([(0, 0x1000)]);
        core[offset] = value;
        var path = Write(core);

        var e = Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path))!;

        Assert.That(e.Message, Does.Contain(path).And.Contain(reason));
    }

    [Test]
    public void A_segment_beyond_the_end_of_the_file_is_refused()
    {
        var core = BuildCore([(0, 0x1000)]);
        BinaryPrimitives.WriteUInt64LittleEndian(core.AsSpan(HeaderSize + ProgramHeaderSize + 32), 0x2000);
        var path = Write(core);

        var e = Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path))!;

        Assert.That(e.Message, Does.Contain("PT_LOAD 1").And.Contain("beyond its end"));
    }

    [Test]
    public void A_segment_whose_offset_wraps_is_refused()
    {
        var core = BuildCore([(0, 0x1000)]);
        BinaryPrimitives.WriteUInt64LittleEndian(core.AsSpan(HeaderSize + ProgramHeaderSize + 8), ulong.MaxValue - 0x10);
        var path = Write(core);

        Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path));
    }

    [Test]
    public void A_segment_that_wraps_the_physical_address_space_is_refused()
    {
        var core = BuildCore([(0, 0x1000)]);
        BinaryPrimitives.WriteUInt64LittleEndian(core.AsSpan(HeaderSize + ProgramHeaderSize + 24), ulong.MaxValue - 0x10);
        var path = Write(core);

        var e = Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path))!;

        Assert.That(e.Message, Does.Contain("wraps"));
    }

    [Test]
    public void Overlapping_segments_are_refused()
    {
        var path = Write(BuildCore([(0, 0x2000), (0x1000, 0x1000)]));

        var e = Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path))!;

        Assert.That(e.Message, Does.Contain("overlap"));
    }

    [Test]
    public void A_program_header_table_beyond_the_end_is_refused()
    {
        var core = BuildCore([(0, 0x1000)]);
        BinaryPrimitives.WriteUInt16LittleEndian(core.AsSpan(56), 0xfff0);
        var path = Write(core);

        var e = Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path))!;

        Assert.That(e.Message, Does.Contain("program header table"));
    }

    [Test]
    public void A_core_without_PT_LOAD_is_refused()
    {
        var path = Write(BuildCore([]));

        Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenElfCore(path));
    }

    /// <summary>An ELF64 core shaped like QEMU's: a PT_NOTE first, then one PT_LOAD per RAM block, each segment's
    /// words holding <see cref="MappedGuestMemoryTests.Pattern"/> of their physical address.</summary>
    private static byte[] BuildCore(IReadOnlyList<(ulong Physical, ulong Size)> loads, bool extendedNumbering = false)
    {
        const int noteSize = 0x20;
        const int sectionHeaderSize = 64;
        var count = loads.Count + 1;
        var tableEnd = HeaderSize + (count * ProgramHeaderSize);
        var sectionOffset = tableEnd;
        var dataStart = sectionOffset + sectionHeaderSize + noteSize;
        var total = dataStart + loads.Sum(l => (long)l.Size);
        var core = new byte[total];
        var span = core.AsSpan();

        "\u007fELF"u8.CopyTo(span);
        span[4] = 2;
        span[5] = 1;
        span[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], 4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], 62);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[56..], extendedNumbering ? (ushort)0xffff : (ushort)count);
        if (extendedNumbering)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[40..], (ulong)sectionOffset);
            BinaryPrimitives.WriteUInt16LittleEndian(span[58..], sectionHeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(sectionOffset + 44)..], (uint)count);
        }

        WriteProgramHeader(span[HeaderSize..], type: 4, offset: (ulong)(dataStart - noteSize), physical: 0, size: noteSize);
        var offset = (ulong)dataStart;
        for (var i = 0; i < loads.Count; i++)
        {
            var (physical, size) = loads[i];
            WriteProgramHeader(span[(HeaderSize + ((i + 1) * ProgramHeaderSize))..], type: 1, offset, physical, size);
            for (ulong within = 0; within < size; within += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[(int)(offset + within)..], MappedGuestMemoryTests.Pattern(physical + within));
            }

            offset += size;
        }

        return core;
    }

    private static void WriteProgramHeader(Span<byte> entry, uint type, ulong offset, ulong physical, ulong size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, type);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], physical);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], size);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[40..], size);
    }

    private static ulong ReadWord(IPhysicalMemory memory, ulong address)
    {
        Span<byte> bytes = stackalloc byte[8];
        Assert.That(memory.TryRead(address, bytes), Is.True, $"read at 0x{address:x}");
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private string Write(byte[] core)
    {
        var path = NewTemporaryFile();
        File.WriteAllBytes(path, core);
        return path;
    }
}
