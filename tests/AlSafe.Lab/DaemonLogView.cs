using AlSafe.TestSupport.Daemon;

namespace AlSafe.Lab;

/// <summary>
/// The daemon's log, live: what it wrote to stderr (where its log goes when no journald runs) is passed to the
/// <see cref="Narrator"/> line by line a moment after it is written, with the syslog priority prefix made readable.
/// </summary>
internal sealed class DaemonLogView : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly DaemonProcess _daemon;
    private readonly Narrator _narrator;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _pump;
    private int _shown;
    private string? _last;
    private int _repeats;

    public DaemonLogView(DaemonProcess daemon, Narrator narrator)
    {
        _daemon = daemon;
        _narrator = narrator;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Prints what came since the last call at once, so that it stands before what the caller prints next.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            var text = _daemon.Stderr;
            var end = text.LastIndexOf('\n');
            if (end < _shown)
            {
                return;
            }

            foreach (var line in text[_shown..end].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // A client's retransmissions are reported again and again: one line says so.
                if (line == _last)
                {
                    _repeats++;
                    continue;
                }

                EndRepeats();
                _last = line;
                _narrator.Daemon(Readable(line.TrimEnd('\r')));
            }

            EndRepeats();
            _shown = end + 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Flush();
        _stop.Dispose();
    }

    private void EndRepeats()
    {
        if (_repeats > 0)
        {
            _narrator.Daemon(_repeats == 1 ? "(the same line once more)" : $"(the same line {_repeats} more times)");
            _repeats = 0;
        }
    }

    /// <summary>"&lt;6&gt;text" (sd-daemon's priority prefix) as "info  text".</summary>
    private static string Readable(string line)
    {
        if (line.Length < 3 || line[0] != '<' || line[2] != '>' || !char.IsAsciiDigit(line[1]))
        {
            return line;
        }

        var level = line[1] switch
        {
            '7' => "debug",
            '6' or '5' => "info ",
            '4' => "warn ",
            _ => "ERROR",
        };
        return $"{level} {line[3..]}";
    }

    private async Task PumpAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
