namespace AlSafe.Tests.Packaging;

/// <summary>One line of <c>dpkg-deb --contents</c>: mode as ls prints it, owner/group, absolute path, link target.</summary>
internal sealed record PackageEntry(string Mode, string Owner, string Path, string? LinkTarget)
{
    public bool IsDirectory => Mode[0] == 'd';

    public bool IsLink => Mode[0] == 'l';

    /// <summary>Parses <c>-rw-r--r-- root/root 957 2026-11-27 14:03 ./usr/share/x</c>, a link ending in
    /// <c> -&gt; TARGET</c>; the package's paths hold no blanks.</summary>
    public static PackageEntry Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length != 6 || !fields[5].StartsWith('.'))
        {
            throw new FormatException($"not a dpkg-deb --contents line: '{line}'");
        }

        var name = fields[5];
        string? target = null;
        var arrow = name.IndexOf(" -> ", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            target = name[(arrow + 4)..];
            name = name[..arrow];
        }

        var path = name.TrimStart('.').TrimEnd('/');
        return new PackageEntry(fields[0], fields[1], path.Length == 0 ? "/" : path, target);
    }
}
