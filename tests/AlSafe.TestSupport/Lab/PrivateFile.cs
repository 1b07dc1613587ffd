namespace AlSafe.TestSupport.Lab;

/// <summary>Files only their owner (root, in the lab) can read or change: what a daemon with trusted_files_only
/// accepts.</summary>
internal static class PrivateFile
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string CreateDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
            throw NotLinux();
        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
        return path;
    }

    /// <summary>Replaces the file whole (a new file renamed over the old one), so that a daemon polling it never reads
    /// half of it; the temporary name ends in ".new", which no reader of *.conf or *.tsv takes.</summary>
    public static void Write(string path, string text)
    {
        var temporary = path + ".new";
        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(false), Options()))
            writer.Write(text);
        Restrict(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Creates (or empties) a sparse file of <paramref name="length"/> zero bytes.</summary>
    public static void CreateZeros(string path, long length)
    {
        using (var file = new FileStream(path, Options()))
            file.SetLength(length);
        Restrict(path);
    }

    /// <summary>Takes every permission from group and others on a file written by other means.</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsLinux())
            throw NotLinux();
        File.SetUnixFileMode(path, FileMode);
    }

    private static FileStreamOptions Options()
    {
        if (!OperatingSystem.IsLinux())
            throw NotLinux();
        return new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = FileMode };
    }

    private static PlatformNotSupportedException NotLinux() => new("the node lab's files need Linux file modes");
}
