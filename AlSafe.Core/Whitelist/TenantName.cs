using System.Diagnostics.CodeAnalysis;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// Tenant names, which come from whitelist file names (<c>TENANT.tsv</c>): <c>[a-z0-9][a-z0-9_-]{0,63}</c>. Lower case
/// only, so two files can never name the same tenant on a case-insensitive copy of the directory, and no dot, so the
/// name cannot be a hidden file, a relative path or carry a second extension.
/// </summary>
public static class TenantName
{
    public const string FileExtension = ".tsv";

    public static bool IsValid([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > WhitelistLimits.MaxTenantLength || !IsLowerAlphanumeric(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsLowerAlphanumeric(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The tenant of a whitelist file: its file name without <c>.tsv</c>, when that is a valid tenant name.</summary>
    public static bool TryFromPath(string path, [NotNullWhen(true)] out string? tenant)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        tenant = name.EndsWith(FileExtension, StringComparison.Ordinal) ? name[..^FileExtension.Length] : null;
        if (IsValid(tenant))
        {
            return true;
        }

        tenant = null;
        return false;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
