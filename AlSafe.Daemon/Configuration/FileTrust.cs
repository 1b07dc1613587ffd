using System.Globalization;
using Mono.Unix;
using Mono.Unix.Native;

namespace AlSafe.Daemon.Configuration;

/// <summary>
/// Whether a file may steer the daemon: configuration, whitelists, VM descriptors and keys decide what the firewall
/// lets through, so only root may be able to change them. A file is refused when it is not a regular file, is not
/// owned by root, or is writable by its group or others; a private key also when its group or others can read it.
/// A symbolic link is followed and the file it ends at is checked (configuration tools link files into place); the
/// directory holding a file is checked on its own, with <see cref="CheckDirectory"/>.
/// </summary>
public static class FileTrust
{
    private const FilePermissions WritableByOthers = FilePermissions.S_IWGRP | FilePermissions.S_IWOTH;
    private const FilePermissions ReadableByOthers = FilePermissions.S_IRGRP | FilePermissions.S_IROTH;

    /// <summary>Null when root alone can change the file, else the reason, naming the file.</summary>
    public static string? CheckFile(string path) => Check(path, FilePermissions.S_IFREG, WritableByOthers);

    /// <summary><see cref="CheckFile"/>, and no one but the owner may read it either: it is a credential.</summary>
    public static string? CheckPrivateKey(string path) =>
        Check(path, FilePermissions.S_IFREG, WritableByOthers | ReadableByOthers);

    /// <summary>Null when root alone can add, remove or rename the directory's files, else the reason.</summary>
    public static string? CheckDirectory(string path) => Check(path, FilePermissions.S_IFDIR, WritableByOthers);

    private static string? Check(string path, FilePermissions type, FilePermissions forbidden)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Syscall.lstat(path, out var link) != 0)
        {
            return $"{path} cannot be checked: {UnixMarshal.GetErrorDescription(Stdlib.GetLastError())}";
        }

        var name = path;
        var status = link;
        if ((link.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFLNK)
        {
            if (Syscall.stat(path, out status) != 0)
            {
                return $"{path} is a link to a file that cannot be checked: {UnixMarshal.GetErrorDescription(Stdlib.GetLastError())}";
            }

            name = $"{path} (a link to {RealPath(path)})";
        }

        var kind = status.st_mode & FilePermissions.S_IFMT;
        if (kind != type)
        {
            return $"{name} is {KindName(kind)}, not {KindName(type)}";
        }

        var problems = new List<string>(3);
        if (status.st_uid != 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"owned by uid {status.st_uid}, not root"));
        }

        if ((status.st_mode & forbidden & WritableByOthers) != 0)
        {
            problems.Add("writable by group or others");
        }

        if ((status.st_mode & forbidden & ReadableByOthers) != 0)
        {
            problems.Add("readable by group or others");
        }

        if (problems.Count == 0)
        {
            return null;
        }

        var mode = Convert.ToString((int)(status.st_mode & FilePermissions.ALLPERMS), 8).PadLeft(4, '0');
        var remedy = (forbidden & ReadableByOthers) != 0
            ? "a private key must belong to root with mode 0600"
            : "only root may be able to change what the daemon trusts (chown root, chmod go-w)";
        return $"{name} is untrusted: {string.Join(", ", problems)} (mode {mode}); {remedy}";
    }

    private static string RealPath(string path)
    {
        try
        {
            return UnixPath.GetRealPath(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return "an unresolvable target";
        }
    }

    private static string KindName(FilePermissions kind) => kind switch
    {
        FilePermissions.S_IFREG => "a regular file",
        FilePermissions.S_IFDIR => "a directory",
        FilePermissions.S_IFLNK => "a symbolic link",
        FilePermissions.S_IFIFO => "a FIFO",
        FilePermissions.S_IFSOCK => "a socket",
        FilePermissions.S_IFCHR => "a character device",
        FilePermissions.S_IFBLK => "a block device",
        _ => "of an unknown type",
    };
}
