namespace AlSafe.Core.Files;

/// <summary>
/// Reads a file the daemon is told to trust only up to a size, so that neither a huge file nor one that keeps growing
/// (or a device) is taken into memory. Opening waits on a FIFO: .NET cannot tell one from a file without opening it,
/// and only root can place one where the daemon reads (the trust check refuses anything but a regular file first).
/// </summary>
public static class BoundedFile
{
    /// <summary>Reads at most one byte more than <paramref name="maxBytes"/>; false, with the length seen, when the file
    /// is bigger.</summary>
    public static bool TryRead(string path, int maxBytes, out ReadOnlyMemory<byte> content, out long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        length = RandomAccess.GetLength(handle);
        content = default;
        if (length > maxBytes)
        {
            return false;
        }

        // One byte beyond the measured size shows a file that grew since it was measured.
        var buffer = new byte[length + 1];
        var filled = 0;
        int read;
        while ((read = RandomAccess.Read(handle, buffer.AsSpan(filled), filled)) > 0)
        {
            filled += read;
            if (filled == buffer.Length)
            {
                if (filled > maxBytes)
                {
                    length = filled;
                    return false;
                }

                Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, maxBytes + 1L));
            }
        }

        length = filled;
        content = buffer.AsMemory(0, filled);
        return true;
    }
}
