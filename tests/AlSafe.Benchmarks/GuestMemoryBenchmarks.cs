using AlSafe.Core.Introspection.Memory;
using AlSafe.Interop.Memory;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>
/// The cost of one guest-physical read through a mapped RAM file, which a walk pays about a hundred times per page it
/// touches. Addresses are spread over the file so that the layout lookup and the copy are measured, not one hot line.
/// </summary>
[MemoryDiagnoser]
public class GuestMemoryBenchmarks
{
    private const int Reads = 64;
    private const ulong FlatSize = 256UL << 20;
    private const ulong SplitSize = 3UL << 30;
    private const ulong FourGiB = 4UL << 30;

    private readonly byte[] _word = new byte[8];
    private readonly byte[] _page = new byte[4096];
    private readonly string _flatPath = Path.Combine(Path.GetTempPath(), $"alsafe-bench-flat-{Environment.ProcessId}");
    private readonly string _splitPath = Path.Combine(Path.GetTempPath(), $"alsafe-bench-split-{Environment.ProcessId}");
    private MappedGuestMemory _flat = null!;
    private MappedGuestMemory _split = null!;
    private ulong[] _flatAddresses = [];
    private ulong[] _splitAddresses = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _flatAddresses = Enumerable.Range(0, Reads).Select(_ => PageAligned(random, 0, FlatSize)).ToArray();
        _splitAddresses = Enumerable.Range(0, Reads)
            .Select(i => i % 2 == 0 ? PageAligned(random, 0, 0x8000_0000) : PageAligned(random, FourGiB, FourGiB + 0x4000_0000))
            .ToArray();

        var splitLayout = PhysicalLayout.Q35(SplitSize);
        CreateFile(_flatPath, FlatSize, _flatAddresses);
        CreateFile(_splitPath, SplitSize, _splitAddresses.Select(a => splitLayout.TryMap(a, 4096, out var offset) ? offset : 0));
        _flat = MappedGuestMemory.OpenRam(_flatPath, PhysicalLayout.Flat(FlatSize));
        _split = MappedGuestMemory.OpenRam(_splitPath, splitLayout);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _flat.Dispose();
        _split.Dispose();
        File.Delete(_flatPath);
        File.Delete(_splitPath);
    }

    [Benchmark(OperationsPerInvoke = Reads)]
    public bool Flat8Bytes() => ReadAll(_flat, _flatAddresses, _word);

    [Benchmark(OperationsPerInvoke = Reads)]
    public bool Flat4KiB() => ReadAll(_flat, _flatAddresses, _page);

    [Benchmark(OperationsPerInvoke = Reads)]
    public bool Split8Bytes() => ReadAll(_split, _splitAddresses, _word);

    [Benchmark(OperationsPerInvoke = Reads)]
    public bool Split4KiB() => ReadAll(_split, _splitAddresses, _page);

    private static bool ReadAll(MappedGuestMemory memory, ulong[] addresses, byte[] destination)
    {
        var all = true;
        foreach (var address in addresses)
        {
            all &= memory.TryRead(address, destination);
        }

        return all;
    }

    private static ulong PageAligned(Random random, ulong from, ulong to) =>
        (ulong)random.NextInt64((long)from, (long)to - 4096) & ~0xfffUL;

    // A sparse file with data in the pages read: a hole would map the shared zero page and flatter the copy.
    private static void CreateFile(string path, ulong size, IEnumerable<ulong> filledOffsets)
    {
        using var stream = File.Create(path);
        stream.SetLength((long)size);
        var page = new byte[4096];
        foreach (var offset in filledOffsets)
        {
            Random.Shared.NextBytes(page);
            stream.Position = (long)offset;
            stream.Write(page);
        }
    }
}
