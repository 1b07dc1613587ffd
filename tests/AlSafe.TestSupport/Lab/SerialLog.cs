using System.Text;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// Reads the guest's console log (QEMU appends to it while we read). The console is a tty, so lines end in CR LF;
/// kernel messages may sit between our lines, which is why readers look only between markers.
/// </summary>
internal sealed class SerialLog(string path)
{
    public string Path { get; } = path;

    public IReadOnlyList<string> ReadLines()
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return reader.ReadToEnd().Split('\n').Select(line => line.TrimEnd('\r')).ToList();
    }

    /// <summary>The last lines, for error messages.</summary>
    public string Tail(int lines = 40)
    {
        try
        {
            var all = ReadLines();
            return string.Join('\n', all.Skip(Math.Max(0, all.Count - lines)));
        }
        catch (IOException e)
        {
            return $"(no serial log at {Path}: {e.Message})";
        }
    }
}
