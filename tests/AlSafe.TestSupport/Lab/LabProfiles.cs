using AlSafe.Core.Profiles;
using AlSafe.Core.Profiles.Isf;
using AlSafe.Interop.Compression;
using AlSafe.Interop.Kernel;

namespace AlSafe.TestSupport.Lab;

/// <summary>The lab kernel's profiles, made once per test run: built from its Debian package (BTF and kallsyms) and
/// imported from the Volatility symbol table in shared/data made by dwarf2json for the same kernel.</summary>
public static class LabProfiles
{
    private static readonly Lazy<KernelProfile> BuiltProfile = new(() => KernelProfileFactory.FromFile(LabAssets.KernelPackage));

    private static readonly Lazy<KernelProfile> ImportedProfile = new(() =>
    {
        var path = Path.Combine(LabAssets.SharedDirectory, "data", $"linux-image-{LabAssets.DefaultKernel}.isf.json.xz");
        var json = XzDecompressor.Decompress(File.ReadAllBytes(path), 1L << 30, concatenated: true);
        return IsfImporter.Import(json, path);
    });

    public static KernelProfile Built => BuiltProfile.Value;

    /// <summary>Only for the pinned default kernel: shared/data holds its symbol table and no other.</summary>
    public static KernelProfile Imported => ImportedProfile.Value;
}
