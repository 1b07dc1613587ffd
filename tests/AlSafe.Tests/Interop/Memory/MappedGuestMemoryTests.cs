using System.Buffers.Binary;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Interop.Memory;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Memory;

[TestFixture]
public sealed class MappedGuestMemoryTests : TemporaryFileTests
{
    private const ulong ThreeGiB = 3UL << 30;
    private const ulong FourGiB = 4UL << 30;

    [Test]
    public void A_flat_file_reads_at_its_own_offsets()
    {
        var path = CreateFile(1 << 20, fill: true);
        using var memory = MappedGuestMemory.OpenRam(path, PhysicalLayout.Flat(1 << 20));

        Assert.That(memory.PhysicalLimit, Is.EqualTo(1UL << 20));
        foreach (var address in new ulong[] { 0, 8, 0x1238, 0xf_fff8 })
        {
            Assert.That(ReadWord(memory, address), Is.EqualTo(Pattern(address)), $"0x{address:x}");
        }

        var page = new byte[4096];
        Assert.That(memory.TryRead(0x5000, page), Is.True);
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(4088)), Is.EqualTo(Pattern(0x5ff8)));
    }

    [Test]
    public void A_3_GiB_q35_file_is_split_around_the_PCI_hole()
    {
        var path = CreateFile((long)ThreeGiB, fill: false);
        WriteWord(path, 0x7fff_fff8, 0xAAAA_0000_7fff_fff8);
        WriteWord(path, 0x8000_0000, 0xBBBB_0000_8000_0000);
        WriteWord(path, (long)ThreeGiB - 8, 0xCCCC_0000_bfff_fff8);
        using var memory = MappedGuestMemory.Open(path);

        Assert.That(memory.Layout.ToString(), Is.EqualTo("0x0+0x80000000@0x0,0x100000000+0x40000000@0x80000000"));
        Assert.That(memory.PhysicalLimit, Is.EqualTo(FourGiB + (1UL << 30)));
        Assert.That(ReadWord(memory, 0x7fff_fff8), Is.EqualTo(0xAAAA_0000_7fff_fff8));
        Assert.That(ReadWord(memory, FourGiB), Is.EqualTo(0xBBBB_0000_8000_0000));
        Assert.That(ReadWord(memory, FourGiB + (1UL << 30) - 8), Is.EqualTo(0xCCCC_0000_bfff_fff8));
        Assert.That(memory.TryRead(0x8000_0000, new byte[8]), Is.False, "the PCI hole is not RAM");
        Assert.That(memory.TryRead(FourGiB - 8, new byte[8]), Is.False, "just below 4 GiB is not RAM");
    }

    [Test]
    public void An_explicit_layout_maps_each_range_to_its_offset()
    {
        var path = CreateFile(0x4000, fill: true);
        using var memory = MappedGuestMemory.Open(path, "0x10000+0x1000@0x3000, 0x0+0x2000@0x0");

        Assert.That(ReadWord(memory, 0x10000), Is.EqualTo(Pattern(0x3000)));
        Assert.That(ReadWord(memory, 0x1ff8), Is.EqualTo(Pattern(0x1ff8)));
        Assert.That(memory.TryRead(0x2000, new byte[1]), Is.False);
        Assert.That(memory.PhysicalLimit, Is.EqualTo(0x11000UL));
    }

    [Test]
    public void A_truncated_file_is_refused_at_open_naming_the_file_and_sizes()
    {
        var path = CreateFile(1 << 20, fill: false);

        var e = Assert.Throws<InvalidDataException>(() => MappedGuestMemory.OpenRam(path, PhysicalLayout.Q35(ThreeGiB)))!;

        Assert.That(e.Message, Does.Contain(path).And.Contain("1048576").And.Contain("0x80000000"));
    }

    [Test]
    public void An_empty_file_is_refused()
    {
        var path = CreateFile(0, fill: false);

        Assert.Throws<InvalidDataException>(() => MappedGuestMemory.Open(path));
    }

    [Test]
    public void A_read_across_a_range_boundary_is_refused_even_when_both_sides_are_RAM()
    {
        var path = CreateFile(0x4000, fill: true);
        // Guest-contiguous, file-discontiguous: one copy would return the wrong bytes for the second half.
        using var memory = MappedGuestMemory.Open(path, "0x0+0x1000@0x0,0x1000+0x1000@0x3000");

        Assert.That(memory.TryRead(0xffc, new byte[8]), Is.False);
        Assert.That(memory.TryRead(0xff8, new byte[8]), Is.True);
        Assert.That(memory.TryRead(0x1000, new byte[8]), Is.True);
    }

    [Test]
    public void Reads_beyond_the_limit_are_refused()
    {
        var path = CreateFile(0x2000, fill: true);
        using var memory = MappedGuestMemory.OpenRam(path, PhysicalLayout.Flat(0x2000));

        Assert.That(memory.TryRead(0x2000, new byte[1]), Is.False);
        Assert.That(memory.TryRead(0x1ffc, new byte[8]), Is.False);
        Assert.That(memory.TryRead(ulong.MaxValue - 3, new byte[8]), Is.False);
        Assert.That(memory.TryRead(0, new byte[0x2001]), Is.False);
        Assert.That(memory.TryRead(0, new byte[0x2000]), Is.True);
    }

    [Test]
    public void A_file_larger_than_the_layout_is_read_only_where_the_layout_says()
    {
        var path = CreateFile(0x4000, fill: true);
        using var memory = MappedGuestMemory.OpenRam(path, PhysicalLayout.Flat(0x1000));

        Assert.That(memory.TryRead(0x1000, new byte[8]), Is.False);
    }

    [Test]
    public void The_mapping_follows_writes_to_the_file()
    {
        var path = CreateFile(0x1000, fill: false);
        using var memory = MappedGuestMemory.OpenRam(path, PhysicalLayout.Flat(0x1000));

        WriteWord(path, 0x800, 0x1122_3344_5566_7788);

        Assert.That(ReadWord(memory, 0x800), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    [Test]
    public void Reading_after_dispose_throws_instead_of_touching_unmapped_memory()
    {
        var path = CreateFile(0x1000, fill: true);
        var memory = MappedGuestMemory.OpenRam(path, PhysicalLayout.Flat(0x1000));
        memory.Dispose();
        memory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => memory.TryRead(0, new byte[8]));
    }

    [Test]
    public void The_file_may_be_deleted_while_mapped()
    {
        var path = CreateFile(0x1000, fill: true);
        using var memory = MappedGuestMemory.OpenRam(path, PhysicalLayout.Flat(0x1000));

        File.Delete(path);

        Assert.That(ReadWord(memory, 0x10), Is.EqualTo(Pattern(0x10)));
    }

    internal static ulong Pattern(ulong offset) => (offset * 0x9E37_79B9_7F4A_7C15UL) ^ 0xA15A_FEA1_5AFE_0000UL;

    private string CreateFile(long length, bool fill)
    {
        var path = NewTemporaryFile();
        using var stream = File.Create(path);
        stream.SetLength(length);
        if (fill)
        {
            var bytes = new byte[length];
            for (var offset = 0; offset < length; offset += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), Pattern((ulong)offset));
            }

            stream.Write(bytes);
        }

        return path;
    }

    private static void WriteWord(string path, long offset, ulong value)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        RandomAccess.Write(handle, bytes, offset);
    }

    private static ulong ReadWord(IPhysicalMemory memory, ulong address)
    {
        Span<byte> bytes = stackalloc byte[8];
        Assert.That(memory.TryRead(address, bytes), Is.True, $"read at 0x{address:x}");
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
