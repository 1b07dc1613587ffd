using AlSafe.Core.Introspection.Memory;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// Guest-physical memory held by the test process. Storage is sparse: a 256 KiB chunk is allocated on its first write
/// and unwritten memory reads as zeros, as untouched guest RAM does, so an image costs only what its objects occupy
/// however far apart they are placed.
/// </summary>
public sealed class ArrayPhysicalMemory : IPhysicalMemory
{
    // Chunks above 85,000 bytes go to the large object heap, which the GC does not copy around: building a
    // 10,000-process image with small chunks spent most of its time compacting them.
    private const int ChunkShift = 18;
    private const int ChunkSize = 1 << ChunkShift;
    private const ulong ChunkMask = ChunkSize - 1;

    private readonly byte[]?[] _chunks;

    /// <summary>Zero-filled RAM of <paramref name="size"/> bytes from guest-physical address 0.</summary>
    public ArrayPhysicalMemory(ulong size)
        : this(new byte[]?[checked((int)((size + ChunkMask) >> ChunkShift))], size)
    {
    }

    private ArrayPhysicalMemory(byte[]?[] chunks, ulong limit)
    {
        _chunks = chunks;
        PhysicalLimit = limit;
    }

    public ulong PhysicalLimit { get; }

    /// <summary>Bytes actually allocated for written chunks.</summary>
    public long AllocatedBytes => _chunks.LongCount(c => c is not null) * ChunkSize;

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (!Contains(address, destination.Length))
        {
            return false;
        }

        while (!destination.IsEmpty)
        {
            var within = (int)(address & ChunkMask);
            var count = Math.Min(destination.Length, ChunkSize - within);
            var chunk = _chunks[address >> ChunkShift];
            if (chunk is null)
            {
                destination[..count].Clear();
            }
            else
            {
                chunk.AsSpan(within, count).CopyTo(destination);
            }

            destination = destination[count..];
            address += (ulong)count;
        }

        return true;
    }

    /// <exception cref="ArgumentOutOfRangeException">Any byte of the range lies beyond <see cref="PhysicalLimit"/>.</exception>
    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        if (!Contains(address, source.Length))
        {
            throw new ArgumentOutOfRangeException(
                nameof(address), $"0x{address:x}+{source.Length} lies outside RAM of 0x{PhysicalLimit:x} bytes");
        }

        while (!source.IsEmpty)
        {
            var within = (int)(address & ChunkMask);
            var count = Math.Min(source.Length, ChunkSize - within);
            var chunk = _chunks[address >> ChunkShift] ??= new byte[ChunkSize];
            source[..count].CopyTo(chunk.AsSpan(within));
            source = source[count..];
            address += (ulong)count;
        }
    }

    /// <summary>The first <paramref name="limit"/> bytes of this memory, sharing its storage: a guest whose RAM is
    /// shorter than its page tables claim.</summary>
    public ArrayPhysicalMemory WithLimit(ulong limit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, (ulong)_chunks.Length << ChunkShift);
        return new ArrayPhysicalMemory(_chunks, limit);
    }

    /// <summary>An independent copy, so that one test's corruption never reaches another's image.</summary>
    public ArrayPhysicalMemory Clone() =>
        new(_chunks.Select(c => (byte[]?)c?.Clone()).ToArray(), PhysicalLimit);

    private bool Contains(ulong address, int length) =>
        address <= PhysicalLimit && (ulong)length <= PhysicalLimit - address;
}
