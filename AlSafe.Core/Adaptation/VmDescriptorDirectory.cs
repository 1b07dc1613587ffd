using AlSafe.Core.Configuration;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// Loads the VM descriptors of a directory (<c>/etc/alsafe/vms.d</c>), one <c>NAME.conf</c> per VM. Each file gets
/// its own result, so one broken or untrusted file does not keep the other VMs from being protected.
/// </summary>
public static class VmDescriptorDirectory
{
    public const string DefaultDirectory = "/etc/alsafe/vms.d";

    /// <summary>Far above the VMs one compute node runs; more is a mistake, and each file costs a read per reload.</summary>
    public const int MaxFiles = 4096;

    /// <summary>
    /// Every <c>*.conf</c> entry of the directory, in ordinal name order. Names starting with a dot and names not
    /// ending in <c>.conf</c> (editors' temporaries and backups: <c>.web1.conf.swp</c>, <c>web1.conf~</c>) are
    /// skipped. Symbolic links are followed.
    /// </summary>
    /// <param name="trust">Checks a file before it is read: null when it may be used, else the reason it may not,
    /// which becomes the file's only error. Null checks nothing.</param>
    /// <exception cref="ConfigurationException">The directory holds more than <see cref="MaxFiles"/> descriptors.</exception>
    /// <exception cref="IOException">The directory cannot be listed (<see cref="DirectoryNotFoundException"/> when it
    /// does not exist).</exception>
    public static IReadOnlyList<VmDescriptorParseResult> Load(string directory, Func<string, string?>? trust)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var names = new List<string>();
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.') || !entry.Name.EndsWith(VmName.FileExtension, StringComparison.Ordinal))
            {
                continue;
            }

            if (names.Count == MaxFiles)
            {
                throw new ConfigurationException([new ConfigurationError(directory, 0, null, null,
                    $"holds more than {MaxFiles} {VmName.FileExtension} files: refused whole")]);
            }

            names.Add(entry.Name);
        }

        names.Sort(StringComparer.Ordinal);
        var results = new List<VmDescriptorParseResult>(names.Count);
        foreach (var name in names)
        {
            results.Add(LoadFile(Path.Combine(directory, name), trust));
        }

        return results;
    }

    /// <summary>One descriptor, checked by <paramref name="trust"/> first.</summary>
    public static VmDescriptorParseResult LoadFile(string path, Func<string, string?>? trust)
    {
        ArgumentNullException.ThrowIfNull(path);
        var refusal = trust?.Invoke(path);
        if (refusal is null)
        {
            return VmDescriptorParser.ParseFile(path);
        }

        VmName.TryFromPath(path, out var name);
        return VmDescriptorParseResult.Invalid(path, name, [new ConfigurationError(path, 0, null, null, refusal)]);
    }
}
