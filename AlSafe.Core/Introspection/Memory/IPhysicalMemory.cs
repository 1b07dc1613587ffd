namespace AlSafe.Core.Introspection.Memory;

/// <summary>
/// Guest-physical memory as the hypervisor holds it. Implementations never trust the address: a read outside
/// the guest's RAM fails instead of touching anything else.
/// </summary>
public interface IPhysicalMemory
{
    /// <summary>One past the highest guest-physical address that is backed by RAM.</summary>
    ulong PhysicalLimit { get; }

    /// <summary>Copies <paramref name="destination"/>.Length bytes from guest-physical <paramref name="address"/>.
    /// Returns false, leaving the destination unspecified, when any byte of the range is not backed by RAM.</summary>
    bool TryRead(ulong address, Span<byte> destination);
}
