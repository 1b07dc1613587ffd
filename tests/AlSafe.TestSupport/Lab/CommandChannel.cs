using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// The guest's second serial port, reached through QEMU's unix socket chardev. Each command goes out as "SEQ LINE";
/// the guest's init runs it and answers "@@ALSAFE-DONE SEQ RC". One command at a time (PID 1 runs them in order).
/// </summary>
internal sealed class CommandChannel : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _seq;

    private CommandChannel(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<CommandChannel> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new CommandChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends LINE, waits for its reply and returns the sequence number the guest saw (it tags output with it).</summary>
    public async Task<long> RunAsync(string line, CancellationToken cancellationToken)
    {
        if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
            throw new ArgumentException("one line only", nameof(line));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var seq = Interlocked.Increment(ref _seq);
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{seq} {line}\n"), cancellationToken).ConfigureAwait(false);
            var rc = await ReadReplyAsync(seq, cancellationToken).ConfigureAwait(false);
            return rc == 0 ? seq : throw new LabException($"guest command '{line}' failed with exit code {rc}");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> ReadReplyAsync(long seq, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReplyTimeout);
        var prefix = $"@@ALSAFE-DONE {seq} ";
        try
        {
            while (await _reader.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                line = line.TrimEnd('\r');
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                    return int.Parse(line.AsSpan(prefix.Length), CultureInfo.InvariantCulture);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabException($"the guest did not answer command {seq} within {ReplyTimeout}");
        }
        throw new LabException("the guest's command channel closed");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _gate.Dispose();
    }
}
