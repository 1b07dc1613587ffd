using System.Diagnostics;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// One long-lived TCP connection (a socat client in a namespace) to an echo server, kept busy by a pump that sends a
/// numbered chunk, waits for the same bytes to come back, and paces itself so two cores stay free for the switch.
/// Any break, wrong byte or lost echo ends the pump and is reported by <see cref="StopAsync"/>, which then checks that
/// the connection still carries data.
/// </summary>
public sealed class TcpEchoStream : IAsyncDisposable
{
    private const int ChunkSize = 4096;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(5);

    // A bound on one round trip so a dead connection ends the test instead of hanging it; TCP's own retransmission
    // gives up long before this on a connection that is really gone.
    private static readonly TimeSpan EchoTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _address;
    private readonly Task<string> _error;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _sent = new byte[ChunkSize];
    private readonly byte[] _received = new byte[ChunkSize];
    private Task _pump = Task.CompletedTask;
    private long _roundTrips;
    private long _longestTicks;
    private string? _failure;

    private TcpEchoStream(Process process, string address)
    {
        _process = process;
        _address = address;
        _error = process.StandardError.ReadToEndAsync(CancellationToken.None);
    }

    /// <summary>Connects, proves the connection with one round trip, and starts the pump.</summary>
    internal static async Task<TcpEchoStream> OpenAsync(NetNamespace ns, string address, CancellationToken cancellationToken)
    {
        var start = NetCommand.StartInfo("nsenter", ns.EnterArguments("socat", ["-T", "60", "STDIO", address]), redirectInput: true);
        var process = Process.Start(start) ?? throw new NetException($"cannot start {NetCommand.Describe(start)}");
        var stream = new TcpEchoStream(process, address);
        try
        {
            if (await stream.RoundTripAsync(cancellationToken).ConfigureAwait(false) is { } failure)
                throw new NetException($"stream to {address} did not open: {failure}; {await stream.StopProcessAsync().ConfigureAwait(false)}");
            stream._pump = Task.Run(stream.PumpAsync, CancellationToken.None);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Round trips so far, while the pump runs.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Stops the pump, then sends one more chunk: the stream is intact only if every chunk so far came back
    /// unchanged and the connection still works afterwards.</summary>
    public async Task<TcpEchoStreamSummary> StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _failure ??= await RoundTripAsync(cancellationToken).ConfigureAwait(false);
        var failure = _failure is null ? null : $"{_failure}; {await StopProcessAsync().ConfigureAwait(false)}";
        return new TcpEchoStreamSummary(RoundTrips, RoundTrips * ChunkSize, TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks)), failure);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        await StopProcessAsync().ConfigureAwait(false);
        _process.Dispose();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested && _failure is null)
        {
            _failure = await RoundTripAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Pace, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One chunk there and back; null when it came back unchanged, else what went wrong.</summary>
    private async Task<string?> RoundTripAsync(CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Read(ref _roundTrips);
        for (var i = 0; i < ChunkSize; i++)
            _sent[i] = (byte)((sequence * 131) + i);
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(EchoTimeout);
        try
        {
            await _process.StandardInput.BaseStream.WriteAsync(_sent, deadline.Token).ConfigureAwait(false);
            await _process.StandardInput.BaseStream.FlushAsync(deadline.Token).ConfigureAwait(false);
            var read = 0;
            while (read < ChunkSize)
            {
                var count = await _process.StandardOutput.BaseStream.ReadAsync(_received.AsMemory(read), deadline.Token).ConfigureAwait(false);
                if (count == 0)
                    return $"connection closed after {sequence} round trips and {read} bytes of the next";
                read += count;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no echo within {EchoTimeout} after {sequence} round trips";
        }
        catch (IOException exception)
        {
            return $"connection failed after {sequence} round trips: {exception.Message}";
        }

        if (!_sent.AsSpan().SequenceEqual(_received))
            return $"round trip {sequence} came back altered";
        var elapsed = Stopwatch.GetElapsedTime(started).Ticks;
        if (elapsed > Interlocked.Read(ref _longestTicks))
            Interlocked.Exchange(ref _longestTicks, elapsed);
        Interlocked.Increment(ref _roundTrips);
        return null;
    }

    private async Task<string> StopProcessAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own, which the failure already says.
        }

        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return $"socat {_address}: {(await _error.ConfigureAwait(false)).Trim()}";
    }
}
