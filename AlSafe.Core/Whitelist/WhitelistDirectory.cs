using AlSafe.Core.Files;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// Loads whitelist files: one <c>TENANT.tsv</c> per tenant in a directory, or a single file. Each file gets its own
/// result, so one broken file does not stop the others from loading.
/// </summary>
public static class WhitelistDirectory
{
    public const string DefaultDirectory = "/etc/alsafe/whitelist.d";

    /// <summary>Loads a whitelist directory, or a single whitelist file when <paramref name="path"/> is one.</summary>
    /// <param name="note">Told about each directory entry that is skipped because it is not a <c>.tsv</c> file.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    public static IReadOnlyList<WhitelistParseResult> Load(string path, Action<string> note)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(note);
        if (Directory.Exists(path))
        {
            return LoadDirectory(path, note);
        }

        return File.Exists(path)
            ? [LoadFile(path)]
            : throw new FileNotFoundException($"{path}: no such whitelist file or directory", path);
    }

    /// <summary>
    /// Every <c>*.tsv</c> entry of the directory, in ordinal name order. Symbolic links are followed: configuration
    /// tools commonly link files into place, and the directory is as trusted as the files.
    /// </summary>
    public static IReadOnlyList<WhitelistParseResult> LoadDirectory(string directory, Action<string> note)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(note);
        var results = new List<WhitelistParseResult>();
        foreach (var name in new DirectoryInfo(directory).EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, name);
            if (name.EndsWith(TenantName.FileExtension, StringComparison.Ordinal))
            {
                results.Add(LoadFile(path));
            }
            else
            {
                note($"{path}: ignored, not a {TenantName.FileExtension} file");
            }
        }

        return results;
    }

    /// <summary>One tenant's file; the tenant is its name without <c>.tsv</c>.</summary>
    public static WhitelistParseResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!TenantName.TryFromPath(path, out var tenant))
        {
            return Refuse(path, null, $"'{Path.GetFileName(path)}' does not name a tenant: a whitelist file is TENANT{TenantName.FileExtension}, TENANT being 1 to {WhitelistLimits.MaxTenantLength} of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }

        if (Directory.Exists(path))
        {
            return Refuse(path, tenant, "is a directory, not a whitelist file");
        }

        try
        {
            return BoundedFile.TryRead(path, WhitelistLimits.MaxFileBytes, out var content, out var length)
                ? WhitelistParser.Parse(content.Span, path, tenant)
                : WhitelistParseResult.Invalid(path, tenant, [WhitelistParser.FileTooBig(path, length)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(path, tenant, $"cannot be read: {e.Message}");
        }
        catch (NotSupportedException)
        {
            return Refuse(path, tenant, "is not a regular file");
        }
    }

    private static WhitelistParseResult Refuse(string path, string? tenant, string message) =>
        WhitelistParseResult.Invalid(path, tenant, [new WhitelistError(path, 1, 1, null, message)]);
}
