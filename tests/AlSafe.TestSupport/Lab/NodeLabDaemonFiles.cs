namespace AlSafe.TestSupport.Lab;

/// <summary>Where <see cref="NodeLab.WriteDaemonConfig"/> put a daemon's files: all root's, directories 0700 and
/// files 0600, so that trusted_files_only accepts them.</summary>
/// <param name="ConfigPath">alsafe.conf, for <c>alsafe run --config</c>.</param>
/// <param name="WhitelistPath">The lab tenant's whitelist, whitelist.d/lab.tsv.</param>
/// <param name="VmDescriptors">Each described VM's vms.d/NAME.conf, by VM name.</param>
public sealed record NodeLabDaemonFiles(
    string ConfigPath,
    string WhitelistDirectory,
    string WhitelistPath,
    string VmsDirectory,
    string ProfilesDirectory,
    IReadOnlyDictionary<string, string> VmDescriptors);
