using AlSafe.Interop.Compression;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Tests.Profiles.Isf;

/// <summary>The real symbol table in shared/data, decoded once: several test classes import it.</summary>
internal static class SharedIsf
{
    /// <summary>Well above the 38 MB the table decodes to; a bound all the same, as for any xz input.</summary>
    private const long MaxDecodedBytes = 512L << 20;

    private static readonly Lazy<byte[]> Decoded = new(() =>
        XzDecompressor.Decompress(File.ReadAllBytes(Path), MaxDecodedBytes, concatenated: true));

    public static string Path =>
        System.IO.Path.Combine(LabAssets.SharedDirectory, "data", $"linux-image-{LabAssets.DefaultKernel}.isf.json.xz");

    public static byte[] Json => Decoded.Value;
}
