using AlSafe.Core.Profiles;
using AlSafe.Core.Profiles.Isf;
using AlSafe.Interop.Compression;
using AlSafe.TestSupport.Lab;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>What importing the real 38 MB dwarf2json table of the lab kernel costs, with and without the xz decode
/// that reading a shipped .isf.json.xz adds.</summary>
[MemoryDiagnoser]
public class IsfImportBenchmarks
{
    private const long MaxDecodedBytes = 512L << 20;

    private static readonly string TablePath =
        Path.Combine(LabAssets.SharedDirectory, "data", $"linux-image-{LabAssets.DefaultKernel}.isf.json.xz");

    private byte[] _compressed = [];
    private byte[] _json = [];

    [GlobalSetup]
    public void LoadTable()
    {
        _compressed = File.ReadAllBytes(TablePath);
        _json = XzDecompressor.Decompress(_compressed, MaxDecodedBytes, concatenated: true);
    }

    [Benchmark(Baseline = true)]
    public KernelProfile Import() => IsfImporter.Import(_json, TablePath);

    [Benchmark]
    public KernelProfile DecodeAndImport() =>
        IsfImporter.Import(XzDecompressor.Decompress(_compressed, MaxDecodedBytes, concatenated: true), TablePath);
}
