using System.Buffers.Binary;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>Builds x86-64 4- or 5-level page tables the way Linux fills them, including the bits a walker must mask
/// off (accessed, dirty, global, NX).</summary>
internal sealed class PageTableWriter(KernelObjectWriter writer, ulong root, int levels, PhysicalAllocator tables)
{
    public const ulong Size2MiB = 1UL << 21;
    public const ulong Size1GiB = 1UL << 30;

    private const ulong Present = 1;
    private const ulong LargePage = 1UL << 7;
    private const ulong FrameMask = 0x000F_FFFF_FFFF_F000;

    // _KERNPG_TABLE: present, writable, accessed, dirty.
    private const ulong TableFlags = 0x63;

    // __PAGE_KERNEL_LARGE: _KERNPG_TABLE plus page size and global.
    private const ulong LargeLeafFlags = 0x1E3;
    private const ulong NoExecute = 1UL << 63;

    public void Map(ulong virtualAddress, ulong physicalAddress, ulong pageSize, bool noExecute)
    {
        var leafShift = pageSize switch
        {
            Size2MiB => 21,
            Size1GiB => 30,
            _ => throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "only 2 MiB and 1 GiB pages"),
        };

        var table = root;
        for (var shift = 12 + (9 * (levels - 1)); shift > leafShift; shift -= 9)
        {
            var slot = table + (((virtualAddress >> shift) & 0x1FF) * 8);
            var entry = Read(slot);
            if ((entry & Present) == 0)
            {
                var next = tables.Allocate(4096, 4096);
                entry = next | TableFlags;
                writer.U64(slot, entry);
            }
            else if ((entry & LargePage) != 0)
            {
                throw new InvalidOperationException($"0x{virtualAddress:x} falls inside a larger page already mapped");
            }

            table = entry & FrameMask;
        }

        var leaf = table + (((virtualAddress >> leafShift) & 0x1FF) * 8);
        if ((Read(leaf) & Present) != 0)
        {
            throw new InvalidOperationException($"0x{virtualAddress:x} is mapped twice");
        }

        writer.U64(leaf, physicalAddress | LargeLeafFlags | (noExecute ? NoExecute : 0));
    }

    private ulong Read(ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        writer.Memory.TryRead(address, b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }
}
