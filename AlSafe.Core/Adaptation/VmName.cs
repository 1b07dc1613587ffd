using System.Diagnostics.CodeAnalysis;
using AlSafe.Core.Ports;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// VM names as VM descriptor files carry them (<c>NAME.conf</c>): the rule of the switch port's alsafe-vm id
/// (<see cref="VmPortResolver.MaxVmNameLength"/>), <c>[A-Za-z0-9][A-Za-z0-9._-]{0,63}</c>, so that the file and the
/// port name the same VM, and a name is safe in logs, journal fields and file names.
/// </summary>
public static class VmName
{
    public const string FileExtension = ".conf";

    public static bool IsValid([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > VmPortResolver.MaxVmNameLength || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The VM of a descriptor file: its file name without <c>.conf</c>, when that is a valid VM name.</summary>
    public static bool TryFromPath(string path, [NotNullWhen(true)] out string? name)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fileName = Path.GetFileName(path);
        name = fileName.EndsWith(FileExtension, StringComparison.Ordinal) ? fileName[..^FileExtension.Length] : null;
        if (IsValid(name))
        {
            return true;
        }

        name = null;
        return false;
    }
}
