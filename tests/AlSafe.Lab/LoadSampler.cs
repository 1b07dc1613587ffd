using System.Diagnostics;
using System.Globalization;

namespace AlSafe.Lab;

/// <summary>Reads a process's CPU time (/proc/PID/stat) and memory (/proc/PID/status, and /proc/PID/smaps for the
/// mappings of files under <paramref name="guestDirectory"/>), as top and ps do, from outside it, so the measurement
/// costs the measured process next to nothing.</summary>
internal sealed class LoadSampler(int pid, string guestDirectory)
{
    // utime and stime are fields 14 and 15 of /proc/PID/stat; counted from field 3, the first after the ")" that
    // closes the command name (which may itself hold spaces and parentheses).
    private const int UtimeAfterName = 11;
    private const int StimeAfterName = 12;

    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ), from getconf.</summary>
    public static async Task<int> ClockTicksAsync(CancellationToken cancellationToken)
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("cannot run getconf");
        var text = await getconf.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await getconf.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0
            ? ticks
            : throw new InvalidOperationException($"getconf CLK_TCK printed '{text.Trim()}'");
    }

    public LoadSample Read()
    {
        var elapsed = Stopwatch.GetElapsedTime(_origin);
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[UtimeAfterName], CultureInfo.InvariantCulture)
                    + long.Parse(fields[StimeAfterName], CultureInfo.InvariantCulture);
        var status = File.ReadAllLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1].Trim(), StringComparer.Ordinal);
        return new LoadSample(elapsed, ticks, KiB(status, "VmRSS"), KiB(status, "VmHWM"), KiB(status, "RssAnon"), GuestKiB(),
            int.Parse(status["Threads"], CultureInfo.InvariantCulture),
            double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture));
    }

    /// <summary>The resident pages of the mappings of guest images. RssShmem cannot tell them: the .NET runtime keeps
    /// its code in shared memory too (its W^X double mapping).</summary>
    private long GuestKiB()
    {
        var total = 0L;
        var inGuest = false;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (colon < 0 || (space >= 0 && space < colon))
            {
                // A mapping's header: "start-end perms offset dev inode [path]".
                var path = line.IndexOf('/', StringComparison.Ordinal);
                inGuest = path >= 0 && line.AsSpan(path).StartsWith(guestDirectory, StringComparison.Ordinal);
            }
            else if (inGuest && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                total += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private long KiB(Dictionary<string, string> status, string key) =>
        status.TryGetValue(key, out var value) && value.EndsWith(" kB", StringComparison.Ordinal)
            ? long.Parse(value.AsSpan(0, value.Length - 3), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"/proc/{pid}/status has no {key} in kB");
}
