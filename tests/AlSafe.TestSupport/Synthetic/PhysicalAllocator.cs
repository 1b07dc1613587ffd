namespace AlSafe.TestSupport.Synthetic;

/// <summary>Hands out guest-physical memory front to back, like a slab that never frees: objects of one process end
/// up next to each other and the image stays as small as its contents.</summary>
internal sealed class PhysicalAllocator(ulong start, ulong limit)
{
    public ulong Start { get; } = start;

    public ulong End { get; private set; } = start;

    public ulong Allocate(ulong size, ulong alignment)
    {
        var address = AlignUp(End, alignment);
        if (address + size > limit)
        {
            throw new InvalidOperationException($"synthetic guest memory exhausted at 0x{address:x} (limit 0x{limit:x})");
        }

        End = address + size;
        return address;
    }

    public static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
