using System.Diagnostics;
using AlSafe.TestSupport.Daemon;

namespace AlSafe.Lab;

/// <summary>Finds when the daemon logged a line: its stderr, read from an offset on, polled every few milliseconds.</summary>
internal static class DaemonLogWatch
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    /// <summary>The time from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) until a line written after
    /// <paramref name="offset"/> matched <paramref name="match"/>; null when none did before the token ended.</summary>
    public static async Task<TimeSpan?> WhenLoggedAsync(DaemonProcess daemon, int offset, Func<string, bool> match, long since,
        CancellationToken cancellationToken)
    {
        var scanned = offset;
        try
        {
            while (true)
            {
                var text = daemon.Stderr;
                var end = text.LastIndexOf('\n');
                if (end > scanned)
                {
                    if (text[scanned..end].Split('\n').Any(match))
                    {
                        return Stopwatch.GetElapsedTime(since);
                    }

                    scanned = end;
                }

                await Task.Delay(Pause, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
