using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AlSafe.TestSupport.Net;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// tcpdump on one interface of a named namespace, writing what its filter matches to a pcap file packet by packet
/// (-U), so that every packet it saw is on disk by the time it is stopped. <see cref="StartAsync"/> returns only once
/// tcpdump says it is listening: a packet sent after that is captured.
/// </summary>
internal sealed class TapCapture : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string _file;
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TapCapture(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    public static async Task<TapCapture> StartAsync(string networkNamespace, string device, string filter, string file,
        CancellationToken cancellationToken)
    {
        // --immediate-mode: otherwise the kernel hands packets over a ring block at a time, up to a second late, and
        // those still in the ring when tcpdump is stopped are lost. -Z root: Debian's tcpdump otherwise drops to user
        // tcpdump, who may not write into the lab's private directory.
        var start = NetCommand.StartInfo("nsenter",
            ["--net=/run/netns/" + networkNamespace, "--", "tcpdump", "-i", device, "-p", "-n", "--immediate-mode", "-U", "-Z", "root",
             "-w", file, filter],
            redirectInput: false);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var capture = new TapCapture(process, file);
        process.ErrorDataReceived += (_, line) => capture.OnError(line.Data);
        process.Exited += (_, _) => capture._listening.TrySetException(new NetException($"tcpdump exited: {capture.Error}"));
        if (!process.Start())
            throw new NetException($"cannot start {NetCommand.Describe(start)}");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await capture._listening.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
            return capture;
        }
        catch (TimeoutException)
        {
            await capture.DisposeAsync().ConfigureAwait(false);
            throw new NetException($"tcpdump on {device} did not start listening within {StartTimeout}: {capture.Error}");
        }
        catch
        {
            await capture.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops tcpdump (SIGTERM: it closes the file) and returns how many packets it wrote.</summary>
    public async Task<int> StopAndCountAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using (var deadline = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Every packet is on disk already (-U); the file just lacks nothing but tcpdump's goodbye.
                _process.Kill(entireProcessTree: true);
            }
        }

        return CountPackets(await File.ReadAllBytesAsync(_file).ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            using var deadline = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
        {
            // Gone already, or stuck past its kill: the namespace's teardown ends it.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string Error
    {
        get
        {
            lock (_error)
                return _error.ToString().Trim();
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
            return;
        lock (_error)
            _error.Append(line).Append('\n');
        if (line.Contains("listening on", StringComparison.Ordinal))
            _listening.TrySetResult();
    }

    /// <summary>Counts the records of a classic pcap file (24-byte file header, 16-byte record headers whose third
    /// word is the captured length), in either byte order; a record cut short at the end is not counted.</summary>
    private static int CountPackets(ReadOnlySpan<byte> file)
    {
        if (file.Length < 24)
            throw new NetException($"the capture holds no pcap header ({file.Length} bytes)");
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        var littleEndian = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        if (!littleEndian && magic is not (0xd4c3b2a1 or 0x4d3cb2a1))
            throw new NetException($"the capture is not a pcap file (magic {magic:x8})");

        var count = 0;
        for (var offset = 24; offset + 16 <= file.Length; count++)
        {
            var length = file.Slice(offset + 8, 4);
            var captured = littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(length) : BinaryPrimitives.ReadUInt32BigEndian(length);
            if (captured > (uint)(file.Length - offset - 16))
                break;
            offset += 16 + (int)captured;
        }

        return count;
    }
}
