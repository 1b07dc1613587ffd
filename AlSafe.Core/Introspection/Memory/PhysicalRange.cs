namespace AlSafe.Core.Introspection.Memory;

/// <summary>A run of guest-physical RAM and where it lives in the backing store (file offset).</summary>
public readonly record struct PhysicalRange(ulong GuestStart, ulong Length, ulong BackingOffset)
{
    public ulong GuestEnd => GuestStart + Length;

    public bool Contains(ulong address) => address >= GuestStart && address - GuestStart < Length;
}
