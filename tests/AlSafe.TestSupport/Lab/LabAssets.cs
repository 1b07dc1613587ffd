namespace AlSafe.TestSupport.Lab;

/// <summary>
/// Where the lab's downloaded and built inputs live. tests/lab/fetch-kernel.sh fills the cache; the kernel is pinned so
/// that results are reproducible and can be overridden with ALSAFE_LAB_KERNEL.
/// </summary>
public static class LabAssets
{
    public const string DefaultKernel = "6.1.0-56-amd64";

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("ALSAFE_LAB_CACHE") is { Length: > 0 } dir ? dir : "/var/cache/alsafe-lab";

    public static string KernelRelease =>
        Environment.GetEnvironmentVariable("ALSAFE_LAB_KERNEL") is { Length: > 0 } k ? k : DefaultKernel;

    /// <summary>What tests/lab/fetch-kernel.sh extracts from <see cref="KernelPackage"/>: vmlinuz, config, modules/.</summary>
    public static string KernelDirectory => Path.Combine(CacheDirectory, KernelRelease);

    /// <summary>The bzImage the lab boots (its xz payload holds the vmlinux ELF with kallsyms and .BTF).</summary>
    public static string KernelImage => Path.Combine(KernelDirectory, "vmlinuz");

    /// <summary>The guest NIC driver, uncompressed for busybox insmod.</summary>
    public static string NetworkModule => Path.Combine(KernelDirectory, "modules", "e1000.ko");

    /// <summary>The repository root, recorded at build time so that tests built into any output folder find it.</summary>
    public static string RepositoryRoot =>
        typeof(LabAssets).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AlSafe.RepositoryRoot").Value!;

    /// <summary>The shared/ folder beside the repository (test data made by external tools).</summary>
    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The Debian kernel package of <see cref="KernelRelease"/>, as apt-get download names it.</summary>
    public static string KernelPackage
    {
        get
        {
            var pattern = $"linux-image-{KernelRelease}_*_amd64.deb";
            var found = Directory.Exists(CacheDirectory)
                ? Directory.GetFiles(CacheDirectory, pattern).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
                : null;
            return found ?? throw new FileNotFoundException(
                $"no {pattern} in {CacheDirectory}: run tests/lab/fetch-kernel.sh (it uses apt-get download)");
        }
    }
}
