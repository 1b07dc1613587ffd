using System.Text.Json;
using AlSafe.Core.Profiles;
using AlSafe.Interop.Compression;
using AlSafe.Interop.Packages;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

/// <summary>
/// The lab's real Debian kernel (vmlinuz and the vmlinux inside it) and its Volatility symbol table, decoded once per
/// test run because each takes most of a second. Tests that need them are ignored when the lab cache is absent.
/// </summary>
internal static class RealKernel
{
    private static readonly Lazy<byte[]> VmlinuzBytes = new(LoadVmlinuz);
    private static readonly Lazy<byte[]> VmlinuxBytes = new(() =>
        XzDecompressor.Decompress(BzImage.XzPayload(VmlinuzBytes.Value), 512L << 20));
    private static readonly Lazy<JsonDocument> IsfDocument = new(() =>
        JsonDocument.Parse(XzDecompressor.Decompress(File.ReadAllBytes(IsfPath), 1L << 30, concatenated: true)));

    public static string IsfPath => Path.Combine(LabAssets.SharedDirectory, "data", $"linux-image-{LabAssets.KernelRelease}.isf.json.xz");

    public static string ExtractedVmlinuz => Path.Combine(LabAssets.CacheDirectory, "x", "boot", $"vmlinuz-{LabAssets.KernelRelease}");

    public static byte[] Vmlinuz => VmlinuzBytes.Value;

    public static string ExtractedVmlinuzOrIgnore()
    {
        if (!File.Exists(ExtractedVmlinuz))
        {
            Assert.Ignore($"no {ExtractedVmlinuz}");
        }

        return ExtractedVmlinuz;
    }

    public static byte[] Vmlinux => VmlinuxBytes.Value;

    /// <summary>The ISF's root object: "symbols" and "user_types", as dwarf2json wrote them from DWARF.</summary>
    public static JsonElement Isf
    {
        get
        {
            if (!File.Exists(IsfPath))
            {
                Assert.Ignore($"no {IsfPath}");
            }

            return IsfDocument.Value.RootElement;
        }
    }

    public static ulong IsfSymbol(string name) => Isf.GetProperty("symbols").GetProperty(name).GetProperty("address").GetUInt64();

    public static string PackagePath()
    {
        try
        {
            return LabAssets.KernelPackage;
        }
        catch (FileNotFoundException e)
        {
            Assert.Ignore(e.Message);
            throw;
        }
    }

    private static byte[] LoadVmlinuz()
    {
        if (File.Exists(ExtractedVmlinuz))
        {
            return File.ReadAllBytes(ExtractedVmlinuz);
        }

        return DebArchive.ReadKernel(File.ReadAllBytes(PackagePath()), 512L << 20).Image;
    }
}
