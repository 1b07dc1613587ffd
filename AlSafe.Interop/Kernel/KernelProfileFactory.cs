using AlSafe.Core.Profiles;
using AlSafe.Interop.Compression;
using AlSafe.Interop.Packages;

namespace AlSafe.Interop.Kernel;

/// <summary>
/// Builds a profile from whatever kernel file the user has: a Debian kernel package, a bzImage (vmlinuz) or a vmlinux
/// ELF. The format is told by content, not by name.
/// </summary>
public static class KernelProfileFactory
{
    /// <summary>The most bytes any input or decompressed stage may take, so hostile input cannot exhaust memory.</summary>
    public const long MaxBytes = 512L << 20;

    /// <exception cref="InvalidDataException">The file is none of the known formats, or is corrupt or lacks what a
    /// profile needs; the message names the file.</exception>
    public static KernelProfile FromFile(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: {length} bytes is more than the {MaxBytes}-byte limit for a kernel file");
        }

        try
        {
            return FromBytes(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>As <see cref="FromFile"/>, for bytes already in memory; messages do not name a file.</summary>
    public static KernelProfile FromBytes(byte[] file)
    {
        if (DebArchive.IsDeb(file))
        {
            var package = DebArchive.ReadKernel(file, MaxBytes);
            try
            {
                return ProfileBuilder.Build(Decompress(package.Image), package.SystemMap);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{package.ImageName}: {e.Message}", e);
            }
        }

        if (BzImage.IsBzImage(file))
        {
            return ProfileBuilder.Build(Decompress(file));
        }

        if (file.AsSpan().StartsWith("\u007fELF"u8))
        {
            return ProfileBuilder.Build(file);
        }

        throw new InvalidDataException("not a Debian package, bzImage or ELF kernel image");
    }

    private static byte[] Decompress(byte[] bzImage) => XzDecompressor.Decompress(BzImage.XzPayload(bzImage), MaxBytes);
}
