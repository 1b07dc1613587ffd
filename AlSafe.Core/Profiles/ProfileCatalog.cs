namespace AlSafe.Core.Profiles;

/// <summary>
/// The kernel profiles an operator keeps in a directory. One unreadable file does not take the others down with it:
/// it is reported and skipped, and the guest simply will not match it.
/// </summary>
public static class ProfileCatalog
{
    public const string DefaultDirectory = "/var/lib/alsafe/profiles";

    public static IReadOnlyList<KernelProfile> LoadDirectory(string directory, Action<string> reportSkipped)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"profile directory {directory} does not exist");
        }

        var profiles = new List<KernelProfile>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                profiles.Add(KernelProfileSerializer.Load(file));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                reportSkipped(e.Message);
            }
        }

        return profiles.Count > 0
            ? profiles
            : throw new FileNotFoundException($"no usable kernel profile (*.json) in {directory}");
    }
}
