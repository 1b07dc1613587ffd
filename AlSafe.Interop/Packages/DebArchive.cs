using System.Formats.Tar;
using System.Globalization;
using System.Text;
using AlSafe.Interop.Compression;

namespace AlSafe.Interop.Packages;

/// <summary>
/// Reads a Debian binary package: an ar archive whose data.tar.* member holds the installed files. Only the xz
/// member compression is supported, which is what Debian uses for its kernel packages.
/// </summary>
public static class DebArchive
{
    private const int GlobalHeaderLength = 8;
    private const int MemberHeaderLength = 60;

    public static bool IsDeb(ReadOnlySpan<byte> file) => file.StartsWith("!<arch>\n"u8);

    /// <summary>Extracts ./boot/vmlinuz-* and ./boot/System.map-* from the package.</summary>
    /// <param name="maxUnpacked">The most bytes data.tar may decode to, so a bomb cannot exhaust memory.</param>
    /// <exception cref="InvalidDataException">Not a .deb, an unsupported data member, or no kernel image in it.</exception>
    public static KernelPackageFiles ReadKernel(ReadOnlyMemory<byte> deb, long maxUnpacked)
    {
        var data = deb[DataMember(deb.Span, out var name)];
        if (!name.EndsWith(".xz", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"the package's {name} is not supported: only data.tar.xz is (zstd and gzip members are not)");
        }

        // Decoded as read: ./boot sits in the first megabytes of a 400 MB data.tar, and the loop stops after it.
        using var tar = new XzDecompressionStream(data, maxUnpacked);
        using var reader = new TarReader(tar);
        string? imageName = null;
        byte[]? image = null;
        string? systemMap = null;
        while ((image is null || systemMap is null) && reader.GetNextEntry() is { } entry)
        {
            var path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            if (image is not null && !path.StartsWith("boot/", StringComparison.Ordinal))
            {
                break;
            }

            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            if (path.StartsWith("boot/vmlinuz-", StringComparison.Ordinal))
            {
                imageName = path;
                image = ReadAll(entry.DataStream);
            }
            else if (path.StartsWith("boot/System.map-", StringComparison.Ordinal))
            {
                systemMap = Encoding.UTF8.GetString(ReadAll(entry.DataStream));
            }
        }

        return image is null || imageName is null
            ? throw new InvalidDataException("the package has no ./boot/vmlinuz-*: not a kernel image package")
            : new KernelPackageFiles(imageName, image, systemMap);
    }

    private static Range DataMember(ReadOnlySpan<byte> deb, out string name)
    {
        if (!IsDeb(deb))
        {
            throw new InvalidDataException("not a .deb: no '!<arch>' ar header");
        }

        var at = GlobalHeaderLength;
        var members = new List<string>();
        while (at + MemberHeaderLength <= deb.Length)
        {
            var header = deb.Slice(at, MemberHeaderLength);
            if (!header[58..60].SequenceEqual("`\n"u8))
            {
                throw new InvalidDataException($"corrupt ar member header at offset {at}");
            }

            name = Encoding.ASCII.GetString(header[..16]).TrimEnd(' ').TrimEnd('/');
            if (!long.TryParse(Encoding.ASCII.GetString(header[48..58]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                || size > deb.Length - at - MemberHeaderLength)
            {
                throw new InvalidDataException($"ar member '{name}' at offset {at} has a bad size or is truncated");
            }

            if (name.StartsWith("data.tar", StringComparison.Ordinal))
            {
                return new Range(at + MemberHeaderLength, at + MemberHeaderLength + (int)size);
            }

            members.Add(name);
            at += MemberHeaderLength + (int)size + (int)(size & 1);
        }

        throw new InvalidDataException($"the package has no data.tar member (members: {string.Join(", ", members)})");
    }

    private static byte[] ReadAll(Stream s)
    {
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }
}
