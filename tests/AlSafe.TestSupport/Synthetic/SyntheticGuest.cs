using System.Buffers.Binary;
using AlSafe.Core.Profiles;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// A built synthetic guest: its memory, the profile that describes it, and where everything was placed, so that a
/// test can corrupt exactly the byte it means to. Addresses are guest-physical unless a name says virtual.
/// </summary>
public sealed class SyntheticGuest
{
    private readonly GuestAddressSpace _space;
    private readonly Dictionary<int, SyntheticTask> _tasks;
    private readonly int[] _pids;

    internal SyntheticGuest(
        ArrayPhysicalMemory memory,
        KernelProfile profile,
        GuestAddressSpace space,
        int pagingLevels,
        ulong objectsStart,
        ulong objectsEnd,
        IReadOnlyList<SyntheticTask> tasks)
    {
        Memory = memory;
        Profile = profile;
        _space = space;
        PagingLevels = pagingLevels;
        ObjectsStart = objectsStart;
        ObjectsEnd = objectsEnd;
        _tasks = tasks.ToDictionary(t => t.Pid);
        _pids = tasks.Select(t => t.Pid).ToArray();
    }

    public ArrayPhysicalMemory Memory { get; }

    public KernelProfile Profile { get; }

    public int PagingLevels { get; }

    /// <summary>Guest-physical address of _text.</summary>
    public ulong PhysicalBase => _space.PhysicalBase;

    public ulong KaslrSlide => _space.Slide;

    public ulong PageOffsetBase => _space.PageOffsetBase;

    /// <summary>The value of the kernel's phys_base variable.</summary>
    public ulong PhysBase => _space.PhysBase;

    /// <summary>Start of the slab-like region holding every process's objects, dentries and mounts; the kernel image
    /// and page tables lie below it.</summary>
    public ulong ObjectsStart { get; }

    public ulong ObjectsEnd { get; }

    /// <summary>Pids in task-list order, which is the order they were added in.</summary>
    public IReadOnlyList<int> Pids => _pids;

    public SyntheticTask Task(int pid) =>
        _tasks.TryGetValue(pid, out var task) ? task : throw new KeyNotFoundException($"no synthetic process {pid}");

    public ulong SymbolPhysical(string symbol) => _space.SymbolPhysical(symbol);

    public ulong SymbolRuntime(string symbol) => _space.SymbolRuntime(symbol);

    /// <summary>The direct-map virtual address of a physical one: what kernel pointers to slab objects hold.</summary>
    public ulong DirectVirtual(ulong physical) => _space.DirectVirtual(physical);

    /// <summary>The physical address of member <paramref name="field"/> of the <paramref name="type"/> at
    /// <paramref name="physical"/>.</summary>
    public ulong Field(ulong physical, string type, string field) => physical + Profile.Types[type].Fields[field];

    public void Write(ulong physical, ReadOnlySpan<byte> bytes) => Memory.Write(physical, bytes);

    public void WriteUInt64(ulong physical, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Memory.Write(physical, b);
    }

    public void WriteUInt32(ulong physical, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Memory.Write(physical, b);
    }

    public ulong ReadUInt64(ulong physical)
    {
        Span<byte> b = stackalloc byte[8];
        return Memory.TryRead(physical, b)
            ? BinaryPrimitives.ReadUInt64LittleEndian(b)
            : throw new ArgumentOutOfRangeException(nameof(physical), $"0x{physical:x} lies outside the image");
    }

    /// <summary>A copy with its own memory, for tests that corrupt it.</summary>
    public SyntheticGuest Clone() =>
        new(Memory.Clone(), Profile, _space, PagingLevels, ObjectsStart, ObjectsEnd, _pids.Select(Task).ToArray());
}
