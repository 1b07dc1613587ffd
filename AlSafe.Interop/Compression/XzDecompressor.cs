namespace AlSafe.Interop.Compression;

/// <summary>
/// Decodes .xz data with the system's liblzma, which every Debian system has (dpkg depends on it). Debian compresses
/// its kernel images, its packages' data members and Volatility's symbol tables with xz, and the BCL has no LZMA2
/// decoder. <see cref="XzDecompressionStream"/> decodes lazily; this decodes all of it.
/// </summary>
public static class XzDecompressor
{
    /// <summary>Decodes the xz stream at the start of <paramref name="input"/>; bytes after its end are ignored.</summary>
    /// <param name="maxOutput">The most bytes the caller accepts: a bomb fails instead of exhausting memory.</param>
    /// <param name="concatenated">Decode back-to-back streams as one, as xz(1) does for .xz files.</param>
    /// <exception cref="InvalidDataException">The data is not xz, is corrupt, or decodes to more than maxOutput.</exception>
    public static byte[] Decompress(ReadOnlyMemory<byte> input, long maxOutput, bool concatenated = false)
    {
        using var xz = new XzDecompressionStream(input, maxOutput, concatenated);
        using var output = new MemoryStream(capacity: (int)Math.Min(Math.Max(input.Length * 4L, 1 << 16), Math.Min(maxOutput, int.MaxValue)));
        xz.CopyTo(output, 1 << 20);
        return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
    }
}
