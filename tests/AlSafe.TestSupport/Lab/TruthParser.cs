using System.Globalization;
using System.Text;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// Finds one truth block in the console log and parses it. Lines between "@@ALSAFE-TRUTH-BEGIN SEQ" and
/// "@@ALSAFE-TRUTH-END SEQ COUNT" are tab-separated and tagged:
///   H release text_hex | S self_pid | P pid ppid tgid uid comm exe | F pid fd inode | V inode v6only (0 or 1) |
///   N table inode local remote state
/// Untagged lines (kernel messages) are skipped; COUNT detects a tagged line damaged by one.
/// </summary>
public static class TruthParser
{
    private static string BeginMarker(long seq) => $"@@ALSAFE-TRUTH-BEGIN {seq}";

    private static string EndMarkerPrefix(long seq) => $"@@ALSAFE-TRUTH-END {seq} ";

    /// <summary>The last complete block with this sequence number, or null when there is none (yet).</summary>
    public static GuestTruth? TryParse(IReadOnlyList<string> log, long seq)
    {
        var end = FindLast(log, log.Count - 1, line => line.StartsWith(EndMarkerPrefix(seq), StringComparison.Ordinal));
        if (end < 0)
            return null;
        var begin = FindLast(log, end - 1, line => line == BeginMarker(seq));
        if (begin < 0)
            throw new LabException($"truth {seq}: an end marker without a begin marker");
        var expected = int.Parse(log[end].AsSpan(EndMarkerPrefix(seq).Length), CultureInfo.InvariantCulture);
        var lines = log.Skip(begin + 1).Take(end - begin - 1).Where(IsTagged).ToList();
        if (lines.Count != expected)
            throw new LabException($"truth {seq}: {lines.Count} of {expected} lines intact (console interleaving?)");
        return Parse(lines);
    }

    private static int FindLast(IReadOnlyList<string> log, int from, Func<string, bool> match)
    {
        for (var i = from; i >= 0; i--)
            if (match(log[i]))
                return i;
        return -1;
    }

    private static bool IsTagged(string line) =>
        line.Length > 2 && line[1] == '\t' && line[0] is 'H' or 'S' or 'P' or 'F' or 'V' or 'N' &&
        line.Split('\t').Length == line[0] switch { 'H' => 3, 'S' => 2, 'P' => 7, 'F' => 4, 'V' => 3, _ => 6 };

    private static GuestTruth Parse(IReadOnlyList<string> lines)
    {
        string release = "";
        ulong text = 0;
        var self = -1;
        var processes = new List<string[]>();
        var socketFds = new Dictionary<int, List<ulong>>();
        var rows = new Dictionary<ulong, TruthSocket>();
        var v6Only = new Dictionary<ulong, bool>();
        foreach (var line in lines)
        {
            var f = line.Split('\t');
            switch (f[0])
            {
                case "H":
                    release = f[1];
                    text = ulong.Parse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    break;
                case "S":
                    self = Int(f[1]);
                    break;
                case "P":
                    processes.Add(f);
                    break;
                case "F":
                    var fds = socketFds.TryGetValue(Int(f[1]), out var list) ? list : socketFds[Int(f[1])] = [];
                    fds.Add(ulong.Parse(f[3], CultureInfo.InvariantCulture));
                    break;
                case "V":
                    v6Only[ulong.Parse(f[1], CultureInfo.InvariantCulture)] = f[2] switch
                    {
                        "0" => false,
                        "1" => true,
                        _ => throw new LabException($"truth: V line with '{f[2]}' for IPV6_V6ONLY"),
                    };
                    break;
                case "N":
                    var row = ParseRow(f);
                    if (row.Inode != 0) // TIME_WAIT and other fd-less sockets
                        rows[row.Inode] = row;
                    break;
            }
        }
        if (self < 0)
            throw new LabException("truth without an S (self pid) line");

        var result = processes.Select(f =>
        {
            var inodes = socketFds.TryGetValue(Int(f[1]), out var list) ? list.Distinct().ToList() : [];
            var sockets = inodes.Where(rows.ContainsKey)
                .Select(inode => rows[inode] with { V6Only = v6Only.TryGetValue(inode, out var flag) ? flag : null })
                .ToList();
            return new TruthProcess(Int(f[1]), Int(f[2]), Int(f[3]), uint.Parse(f[4], CultureInfo.InvariantCulture),
                Unescape(f[5]), f[6] == "-" ? null : Unescape(f[6]), sockets, inodes.Count - sockets.Count);
        }).ToList();
        return new GuestTruth(result, self) { KernelRelease = release, KernelTextAddress = text };
    }

    private static TruthSocket ParseRow(string[] f)
    {
        var (local, localPort) = ProcNetAddress.Parse(f[3]);
        var (remote, remotePort) = ProcNetAddress.Parse(f[4]);
        return new TruthSocket(ulong.Parse(f[2], CultureInfo.InvariantCulture),
            f[1].EndsWith('6') ? "inet6" : "inet", f[1].StartsWith("tcp", StringComparison.Ordinal) ? "tcp" : "udp",
            local, localPort, remote, remotePort, byte.Parse(f[5], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Reverses the helper's escaping: \\ and \xHH (tab, newline, space and non-ASCII bytes).</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
            return text;
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\\')
            {
                bytes.Add((byte)'\\');
                i++;
            }
            else if (text[i] == '\\' && i + 3 < text.Length && text[i + 1] == 'x')
            {
                bytes.Add(byte.Parse(text.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 3;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }
        // Comm and paths are bytes; UTF-8 is what the guest's tools would show.
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
