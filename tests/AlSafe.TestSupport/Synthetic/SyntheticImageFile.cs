using AlSafe.Core.Introspection.Memory;
using AlSafe.Core.Profiles;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// Saves a synthetic guest as the files a node holds for a real one: its RAM as a raw image from guest-physical
/// address 0 (a VM descriptor's <c>layout = flat</c>) and its kernel profile as JSON, so that the daemon and the
/// command line can be run against guests no test has to boot.
/// </summary>
public static class SyntheticImageFile
{
    /// <summary>Matches <see cref="ArrayPhysicalMemory"/>'s chunks, so that a block is either all written or a hole.</summary>
    private const int BlockSize = 1 << 18;

    /// <summary>Writes the guest's image to <paramref name="imagePath"/> and its profile to
    /// <paramref name="profilePath"/>, replacing both.</summary>
    /// <returns>The bytes of the image written, holes left out.</returns>
    public static long Write(SyntheticGuest guest, string imagePath, string profilePath)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var written = WriteImage(guest.Memory, imagePath);
        KernelProfileSerializer.Save(guest.Profile, profilePath);
        return written;
    }

    /// <summary>Writes <paramref name="memory"/> from address 0 to its limit. Blocks of zeros are left as holes: an
    /// image spans tens of MiB (the kernel image sits at 16 MiB), of which its objects occupy a few, and tmpfs keeps
    /// holes too.</summary>
    /// <returns>The bytes written, holes left out.</returns>
    /// <exception cref="InvalidOperationException">The memory refused a read below its own limit.</exception>
    public static long WriteImage(IPhysicalMemory memory, string path)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var buffer = new byte[BlockSize];
        var written = 0L;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (ulong address = 0; address < memory.PhysicalLimit; address += BlockSize)
        {
            var block = buffer.AsSpan(0, (int)Math.Min(BlockSize, memory.PhysicalLimit - address));
            if (!memory.TryRead(address, block))
            {
                throw new InvalidOperationException(
                    $"the guest memory refused a read at 0x{address:x}, below its limit 0x{memory.PhysicalLimit:x}");
            }

            if (block.ContainsAnyExcept((byte)0))
            {
                file.Position = checked((long)address);
                file.Write(block);
                written += block.Length;
            }
        }

        file.SetLength(checked((long)memory.PhysicalLimit));
        return written;
    }
}
