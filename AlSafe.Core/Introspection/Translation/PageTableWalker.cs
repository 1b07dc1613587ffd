using System.Buffers.Binary;
using AlSafe.Core.Introspection.Memory;

namespace AlSafe.Core.Introspection.Translation;

/// <summary>
/// Translates kernel virtual addresses the way the guest's MMU does, from the page-table root the kernel image itself
/// names (init_top_pgt), so nothing the guest's CR3 or software reports is trusted. Translations are cached per page
/// for the life of one walk; a new walker is made for every introspection because guest memory keeps changing.
/// </summary>
public sealed class PageTableWalker
{
    private const ulong Present = 1;
    private const ulong PageSizeBit = 1UL << 7;
    private const ulong FrameMask = 0x000F_FFFF_FFFF_F000;
    private const int PageShift = 12;

    private readonly IPhysicalMemory _memory;
    private readonly ulong _root;
    private readonly Dictionary<ulong, ulong> _pages = new();

    public PageTableWalker(IPhysicalMemory memory, ulong rootPhysical, int levels)
    {
        if (levels is not (4 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "x86-64 paging has 4 or 5 levels");
        }

        _memory = memory;
        _root = rootPhysical & FrameMask;
        Levels = levels;
    }

    public int Levels { get; }

    /// <summary>Distinct virtual pages translated so far: the walk's memory footprint.</summary>
    public int PagesTouched => _pages.Count;

    /// <summary>True when <paramref name="address"/> is a canonical kernel-half address for this paging mode.</summary>
    public bool IsKernelCanonical(ulong address) =>
        Levels == 5 ? address >= 0xFF00_0000_0000_0000 : address >= 0xFFFF_8000_0000_0000;

    public bool TryTranslate(ulong virtualAddress, out ulong physicalAddress)
    {
        var page = virtualAddress >> PageShift;
        var offset = virtualAddress & 0xFFF;
        if (_pages.TryGetValue(page, out var frame))
        {
            physicalAddress = frame + offset;
            return true;
        }

        if (!Walk(virtualAddress, out physicalAddress))
        {
            return false;
        }

        _pages[page] = physicalAddress - offset;
        return true;
    }

    private bool Walk(ulong va, out ulong pa)
    {
        Span<byte> raw = stackalloc byte[8];
        var table = _root;
        for (var level = Levels; level >= 1; level--)
        {
            var shift = PageShift + (9 * (level - 1));
            var index = (va >> shift) & 0x1FF;
            if (!_memory.TryRead(table + (index * 8), raw))
            {
                pa = 0;
                return false;
            }

            var entry = BinaryPrimitives.ReadUInt64LittleEndian(raw);
            if ((entry & Present) == 0)
            {
                pa = 0;
                return false;
            }

            if (level is 2 or 3 && (entry & PageSizeBit) != 0)
            {
                var size = 1UL << shift;
                pa = (entry & FrameMask & ~(size - 1)) + (va & (size - 1));
                return true;
            }

            table = entry & FrameMask;
        }

        pa = table + (va & 0xFFF);
        return true;
    }
}
