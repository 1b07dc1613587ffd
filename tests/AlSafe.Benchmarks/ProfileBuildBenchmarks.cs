using AlSafe.Core.Profiles;
using AlSafe.Interop.Kernel;
using AlSafe.TestSupport.Lab;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>What building the lab kernel's profile costs from the Debian package (dominated by decoding the whole
/// data.tar.xz) and from the vmlinuz alone (decoding the kernel, then BTF and kallsyms).</summary>
[MemoryDiagnoser]
public class ProfileBuildBenchmarks
{
    private byte[] _package = [];
    private byte[] _vmlinuz = [];

    [GlobalSetup]
    public void ReadFiles()
    {
        _package = File.ReadAllBytes(LabAssets.KernelPackage);
        _vmlinuz = File.ReadAllBytes(Path.Combine(LabAssets.CacheDirectory, "x", "boot", $"vmlinuz-{LabAssets.KernelRelease}"));
    }

    [Benchmark(Baseline = true)]
    public KernelProfile FromVmlinuz() => KernelProfileFactory.FromBytes(_vmlinuz);

    [Benchmark]
    public KernelProfile FromPackage() => KernelProfileFactory.FromBytes(_package);
}
