using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlSafe.TestSupport.Net;

namespace AlSafe.Tests.Migration;

/// <summary>
/// A client in a named network namespace that tries a TCP handshake with one service about every
/// <see cref="Interval"/> until stopped (socat, a process per try, each bounded by <see cref="ConnectTimeout"/>), and
/// records when each try ended and whether it connected.
/// </summary>
internal sealed class HandshakeLoop : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(500);

    // Far beyond the connect timeout: only a hung socat meets it. Also bounds the loop: at most this many tries.
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(10);
    private const int MaxTries = 20_000;

    private readonly List<(TimeSpan End, bool Connected)> _tries = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    private HandshakeLoop(string networkNamespace, IPAddress to, ushort port)
    {
        _loop = Task.Run(() => RunAsync(networkNamespace, to, port));
    }

    /// <summary>Tries so far, in order: when each ended (since the start) and whether it connected.</summary>
    public IReadOnlyList<(TimeSpan End, bool Connected)> Tries
    {
        get
        {
            lock (_tries)
            {
                return [.. _tries];
            }
        }
    }

    public static HandshakeLoop Start(string networkNamespace, IPAddress to, ushort port) => new(networkNamespace, to, port);

    /// <summary>The longest span between two consecutive connected tries (or from the start to the first one).</summary>
    public static TimeSpan LongestGap(IReadOnlyList<(TimeSpan End, bool Connected)> tries)
    {
        var longest = TimeSpan.Zero;
        var last = TimeSpan.Zero;
        foreach (var (end, connected) in tries.Where(t => t.Connected))
        {
            longest = end - last > longest ? end - last : longest;
            last = end;
        }

        return longest;
    }

    /// <summary>Stops trying and returns every try.</summary>
    public async Task<IReadOnlyList<(TimeSpan End, bool Connected)>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return Tries;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(string networkNamespace, IPAddress to, ushort port)
    {
        var target = to.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"TCP6:[{to}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"TCP4:{to}:{port}");
        var timeout = ConnectTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        for (var i = 0; i < MaxTries && !_stop.IsCancellationRequested; i++)
        {
            var started = _clock.Elapsed;
            bool connected;
            try
            {
                var result = await NetCommand.RunAsync("nsenter",
                    ["--net=/run/netns/" + networkNamespace, "--", "socat", "-u", "OPEN:/dev/null", $"{target},connect-timeout={timeout}"],
                    ProcessTimeout, _stop.Token, input: "");
                connected = result.Succeeded;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_tries)
            {
                _tries.Add((_clock.Elapsed, connected));
            }

            var wait = Interval - (_clock.Elapsed - started);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
