using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using AlSafe.Interop.Sockets;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// An OpenFlow client connection to a switch: a bridge's management socket (RUNDIR/BRIDGE.mgmt) or a TCP endpoint.
/// It negotiates the version, reads the switch's features, and then runs one reader loop that matches replies to
/// requests by xid, answers the switch's echo requests, and hands everything unsolicited to
/// <see cref="AsyncMessages"/>. Its own echo keepalive declares a silent switch dead.
/// </summary>
/// <remarks>
/// All methods are thread-safe; messages are encoded and written under one send lock, so concurrent requests never
/// interleave on the wire. A request whose send is cancelled or times out ends the connection: a half-written message
/// cannot be taken back and everything after it would be misread. Every request has a timeout
/// (<see cref="OpenFlowConnectionOptions.RequestTimeout"/>); when the connection ends, every pending request fails
/// at once with <see cref="OpenFlowFailure.ConnectionLost"/>.
/// </remarks>
public sealed partial class OpenFlowConnection : IAsyncDisposable
{
    /// <summary>A bulk bundle may grow the send buffer to megabytes; beyond this it is given back after the send.</summary>
    private const int SendBufferKeep = 1 << 20;

    private readonly Socket _socket;
    private readonly OpenFlowFrameReader _frames;
    private readonly OpenFlowConnectionOptions _options;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly OpenFlowWriter _writer = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, PendingRequest> _pending = [];
    private readonly List<XidWatch> _watches = [];
    private readonly Channel<OpenFlowAsyncMessage> _async;
    private readonly CancellationTokenSource _lifetime = new();
    private Task _readLoop = Task.CompletedTask;
    private Task _keepAlive = Task.CompletedTask;
    private Exception? _failure;
    private int _lastXid;
    private int _lastBundleId;
    private int _disposed;

    private OpenFlowConnection(Socket socket, string endpoint, OpenFlowConnectionOptions options)
    {
        _socket = socket;
        _frames = new OpenFlowFrameReader(socket);
        _options = options;
        Endpoint = endpoint;
        _async = Channel.CreateBounded<OpenFlowAsyncMessage>(new BoundedChannelOptions(options.AsyncMessageCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
    }

    /// <summary>"unix:PATH" or "tcp:HOST:PORT".</summary>
    public string Endpoint { get; }

    /// <summary>The negotiated version.</summary>
    public OpenFlowVersion Version { get; private set; }

    /// <summary>The switch's FEATURES_REPLY, read while connecting.</summary>
    public SwitchFeatures Features { get; private set; } = null!;

    /// <summary>Packet-ins, flow-removed and port-status messages, and errors no request is waiting for, in arrival
    /// order. Completes when the connection ends: normally on disposal, with the failure otherwise.</summary>
    public ChannelReader<OpenFlowAsyncMessage> AsyncMessages => _async.Reader;

    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _failure is null;
            }
        }
    }

    /// <summary>Connects to a unix socket, such as Open vSwitch's RUNDIR/BRIDGE.mgmt.</summary>
    /// <exception cref="OpenFlowException">Nothing listens there (<see cref="OpenFlowFailure.ConnectionLost"/>), no
    /// common version, or the switch broke the protocol.</exception>
    /// <exception cref="TimeoutException">The switch did not complete the handshake within the request timeout.</exception>
    public static Task<OpenFlowConnection> ConnectUnixAsync(string socketPath, OpenFlowConnectionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        return ConnectAsync(new UnixDomainSocketEndPoint(socketPath), "unix:" + socketPath, options, cancellationToken);
    }

    /// <summary>Connects over TCP (Open vSwitch's ptcp: listener, or the classic port 6653).</summary>
    public static Task<OpenFlowConnection> ConnectTcpAsync(string host, int port, OpenFlowConnectionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return ConnectAsync(new DnsEndPoint(host, port), $"tcp:{host}:{port}", options, cancellationToken);
    }

    /// <summary>Sends ECHO_REQUEST and returns the round-trip time.</summary>
    public async Task<TimeSpan> EchoAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await RequestAsync(OpenFlowMessageType.EchoRequest, OpenFlowMessageType.EchoReply,
            (w, xid) => w.WriteEchoRequest(Version, xid), _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return watch.Elapsed;
    }

    /// <summary>Returns once the switch has processed everything sent before.</summary>
    public Task BarrierAsync(CancellationToken cancellationToken = default) =>
        RequestAsync(OpenFlowMessageType.BarrierRequest, OpenFlowMessageType.BarrierReply,
            (w, xid) => w.WriteBarrierRequest(Version, xid), _options.RequestTimeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Fail(new ObjectDisposedException(nameof(OpenFlowConnection), $"the OpenFlow connection to {Endpoint} was disposed"));
        await Task.WhenAll(_readLoop, _keepAlive).ConfigureAwait(false);
        // A send still running holds the writer; once the lock is ours nobody can touch it again (Fail is recorded).
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        _writer.Dispose();
        _sendLock.Release();
        _frames.Dispose();
        _lifetime.Dispose();
    }

    private static async Task<OpenFlowConnection> ConnectAsync(EndPoint endPoint, string name, OpenFlowConnectionOptions? options,
        CancellationToken cancellationToken)
    {
        options ??= new OpenFlowConnectionOptions();
        options.Validate();
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new OpenFlowConnection(socket, name, options);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        try
        {
            try
            {
                await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new OpenFlowException(OpenFlowFailure.ConnectionLost, $"cannot connect to the switch at {name}: {e.Message}", e);
            }

            await connection.HandshakeAsync(deadline.Token).ConfigureAwait(false);
            connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            var reply = await connection.RequestAsync(OpenFlowMessageType.FeaturesRequest, OpenFlowMessageType.FeaturesReply,
                (w, xid) => w.WriteFeaturesRequest(connection.Version, xid), options.RequestTimeout, deadline.Token).ConfigureAwait(false);
            connection.Features = DecodeFeatures(reply[0]);
            if (options.EchoInterval != Timeout.InfiniteTimeSpan)
            {
                connection._keepAlive = Task.Run(connection.KeepAliveAsync, CancellationToken.None);
            }

            return connection;
        }
        catch (Exception e) when (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"the OpenFlow switch at {name} did not complete the handshake within {options.RequestTimeout}", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SwitchFeatures DecodeFeatures(byte[] message) => new OpenFlowReader(message).ReadFeaturesReply();

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendAsync(w => w.WriteHello(NextXid(), _options.MinVersion, _options.MaxVersion), cancellationToken).ConfigureAwait(false);
        var message = await _frames.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new OpenFlowException(OpenFlowFailure.ConnectionLost, $"the switch at {Endpoint} closed the connection before its HELLO");
        var hello = DecodeHello(message);
        try
        {
            Version = OpenFlowVersionNegotiation.Negotiate(hello, _options.MinVersion, _options.MaxVersion);
        }
        catch (OpenFlowException e)
        {
            var peerVersion = hello.HeaderVersion;
            // Telling the switch why is a courtesy the spec asks for; the connection is over either way.
            try
            {
                await SendAsync(w => w.WriteHelloFailed(peerVersion, NextXid(), e.Message), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception sendFailure) when (sendFailure is OpenFlowException or OperationCanceledException or ObjectDisposedException)
            {
                Debug.WriteLine($"HELLO_FAILED to {Endpoint} was not sent: {sendFailure.Message}");
            }

            throw new OpenFlowException(OpenFlowFailure.IncompatibleVersion, $"{Endpoint}: {e.Message}");
        }
    }

    private HelloMessage DecodeHello(ReadOnlyMemory<byte> message)
    {
        var reader = new OpenFlowReader(message.Span);
        return reader.Header.Type switch
        {
            OpenFlowMessageType.Hello => reader.ReadHello(),
            OpenFlowMessageType.Error => throw new OpenFlowException(OpenFlowFailure.IncompatibleVersion,
                $"the switch at {Endpoint} refused our HELLO: {reader.ReadError()}"),
            _ => throw OpenFlowException.Violation(
                $"the switch at {Endpoint} sent {OpenFlowNames.Message(reader.Header.Type)} before its HELLO"),
        };
    }

    private uint NextXid() => unchecked((uint)Interlocked.Increment(ref _lastXid));

    /// <summary>Reserves <paramref name="count"/> consecutive xids and returns the first.</summary>
    private uint NextXids(int count) => unchecked((uint)(Interlocked.Add(ref _lastXid, count) - count + 1));

    /// <summary>Sends one request and waits for its reply (all parts of a multipart reply).</summary>
    private async Task<List<byte[]>> RequestAsync(OpenFlowMessageType requestType, OpenFlowMessageType replyType,
        Action<OpenFlowWriter, uint> encode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var xid = NextXid();
        var pending = Register(xid, OpenFlowNames.Message(requestType), replyType);
        try
        {
            return await AwaitAsync(pending, w => encode(w, xid), timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Unregister(xid);
        }
    }

    private async Task<List<byte[]>> AwaitAsync(PendingRequest pending, Action<OpenFlowWriter> encode, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await SendAsync(encode, deadline.Token).ConfigureAwait(false);
            return await pending.Completion.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"OpenFlow {pending.What} got no answer from {Endpoint} within {timeout}", e);
        }
    }

    private PendingRequest Register(uint xid, string what, OpenFlowMessageType replyType)
    {
        var pending = new PendingRequest(what, replyType);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw Ended(what, _failure);
            }

            _pending.Add(xid, pending);
        }

        return pending;
    }

    private void Unregister(uint xid)
    {
        lock (_gate)
        {
            _pending.Remove(xid);
        }
    }

    /// <summary>Encodes under the send lock and writes the whole batch.</summary>
    private async Task SendAsync(Action<OpenFlowWriter> encode, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_failure is not null)
                {
                    throw Ended("send", _failure);
                }
            }

            _writer.Clear();
            // An encoding error (a flow mod that cannot be expressed) leaves nothing on the wire: the connection is fine.
            encode(_writer);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await _socket.SendAllAsync(_writer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var failure = new OpenFlowException(OpenFlowFailure.ConnectionLost,
                    $"sending to the switch at {Endpoint} failed or was abandoned: {e.Message}", e);
                Fail(failure);
                if (e is OperationCanceledException)
                {
                    throw;
                }

                throw failure;
            }
        }
        finally
        {
            _writer.Reset(SendBufferKeep);
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception failure;
        try
        {
            while (true)
            {
                var message = await _frames.ReadAsync(_lifetime.Token).ConfigureAwait(false);
                if (message is null)
                {
                    failure = new OpenFlowException(OpenFlowFailure.ConnectionLost, $"the switch at {Endpoint} closed the connection");
                    break;
                }

                Dispatch(message.Value);
            }
        }
        catch (Exception e) when (_lifetime.IsCancellationRequested)
        {
            failure = new ObjectDisposedException(nameof(OpenFlowConnection), $"the OpenFlow connection to {Endpoint} ended: {e.Message}");
        }
        catch (OpenFlowException e)
        {
            failure = e;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            failure = new OpenFlowException(OpenFlowFailure.ConnectionLost, $"reading from the switch at {Endpoint} failed: {e.Message}", e);
        }

        Fail(failure);
    }

    private void Dispatch(ReadOnlyMemory<byte> message)
    {
        var reader = new OpenFlowReader(message.Span);
        var header = reader.Header;
        if (header.Version != (byte)Version)
        {
            throw OpenFlowException.Violation($"the switch at {Endpoint} sent {OpenFlowNames.Message(header.Type)} in " +
                                              $"{OpenFlowNames.Version(header.Version)} on a {OpenFlowNames.Version(Version)} connection");
        }

        switch (header.Type)
        {
            case OpenFlowMessageType.EchoRequest:
                _ = ReplyToEchoAsync(header.Xid, reader.ReadEchoData().ToArray());
                return;
            case OpenFlowMessageType.PacketIn:
                _async.Writer.TryWrite(new OpenFlowAsyncMessage(header, message.ToArray()) { PacketIn = reader.ReadPacketIn() });
                return;
            case OpenFlowMessageType.Error:
                DispatchError(header, message, reader.ReadError());
                return;
        }

        PendingRequest? pending;
        lock (_gate)
        {
            _pending.TryGetValue(header.Xid, out pending);
        }

        if (pending is null)
        {
            _async.Writer.TryWrite(new OpenFlowAsyncMessage(header, message.ToArray()));
            return;
        }

        if (header.Type != pending.ReplyType)
        {
            Unregister(header.Xid);
            pending.Completion.TrySetException(OpenFlowException.Violation(
                $"the switch at {Endpoint} answered {pending.What} (xid 0x{header.Xid:x}) with {OpenFlowNames.Message(header.Type)}"));
            return;
        }

        pending.Replies.Add(message.ToArray());
        if (header.Type == OpenFlowMessageType.MultipartReply && HasMoreFlag(message.Span))
        {
            return;
        }

        Unregister(header.Xid);
        pending.Completion.TrySetResult(pending.Replies);
    }

    /// <summary>OFPMPF_REPLY_MORE, in the flags right after the multipart type; a reply too short to hold them is
    /// decoded (and refused) by whoever reads it.</summary>
    private static bool HasMoreFlag(ReadOnlySpan<byte> message) => message.Length >= 12 && (message[11] & 1) != 0;

    private void DispatchError(OpenFlowHeader header, ReadOnlyMemory<byte> message, OpenFlowError error)
    {
        PendingRequest? pending;
        var watched = false;
        lock (_gate)
        {
            if (!_pending.Remove(header.Xid, out pending))
            {
                var watch = _watches.Find(w => w.Contains(header.Xid));
                if (watch is not null)
                {
                    watch.Errors.Add((watch.IndexOf(header.Xid), error));
                    watched = true;
                }
            }
        }

        if (pending is not null)
        {
            pending.Completion.TrySetException(new OpenFlowErrorException($"the switch at {Endpoint} refused {pending.What}: {error}", error));
        }
        else if (!watched)
        {
            _async.Writer.TryWrite(new OpenFlowAsyncMessage(header, message.ToArray()) { Error = error });
        }
    }

    private async Task ReplyToEchoAsync(uint xid, byte[] data)
    {
        try
        {
            await SendAsync(w => w.WriteEchoReply(Version, xid, data), _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OpenFlowException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection has ended and recorded why; an echo reply has nobody else to tell.
            Debug.WriteLine($"echo reply to {Endpoint} not sent: {e.Message}");
        }
    }

    private async Task KeepAliveAsync()
    {
        var missed = 0;
        using var timer = new PeriodicTimer(_options.EchoInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_lifetime.Token).ConfigureAwait(false))
            {
                try
                {
                    await RequestAsync(OpenFlowMessageType.EchoRequest, OpenFlowMessageType.EchoReply,
                        (w, xid) => w.WriteEchoRequest(Version, xid), _options.EchoInterval, _lifetime.Token).ConfigureAwait(false);
                    missed = 0;
                }
                catch (TimeoutException) when (++missed >= _options.MissedEchoLimit)
                {
                    Fail(new OpenFlowException(OpenFlowFailure.ConnectionLost,
                        $"the switch at {Endpoint} left {missed} echo requests in a row unanswered ({_options.EchoInterval} each): " +
                        "declared dead"));
                    return;
                }
                catch (TimeoutException)
                {
                    // Not yet at the limit: the next tick tries again.
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or OpenFlowException or ObjectDisposedException)
        {
            // The connection ended; the read loop or DisposeAsync recorded why.
        }
    }

    private void Fail(Exception failure)
    {
        PendingRequest[] orphans;
        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = failure;
            orphans = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var orphan in orphans)
        {
            orphan.Completion.TrySetException(Ended(orphan.What, failure));
        }

        _async.Writer.TryComplete(failure is ObjectDisposedException ? null : failure);
        // Closing the socket ends a receive or send in progress at once, so nothing waits on a dead switch.
        _socket.Dispose();
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed by DisposeAsync: nothing left to stop.
        }
    }

    private Exception Ended(string what, Exception failure) => failure is ObjectDisposedException
        ? new ObjectDisposedException(nameof(OpenFlowConnection), $"OpenFlow {what} to {Endpoint} was not answered: {failure.Message}")
        : new OpenFlowException(OpenFlowFailure.ConnectionLost, $"OpenFlow {what} to {Endpoint} was not answered: {failure.Message}", failure);

    private sealed class PendingRequest(string what, OpenFlowMessageType replyType)
    {
        public string What { get; } = what;

        public OpenFlowMessageType ReplyType { get; } = replyType;

        public List<byte[]> Replies { get; } = [];

        public TaskCompletionSource<List<byte[]>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A range of xids whose messages expect no reply (bundle adds, flow mods, packet-outs): errors for
    /// them are collected here, by position, until a barrier says the switch is done with them.</summary>
    private sealed class XidWatch(uint first, int count)
    {
        public uint First { get; } = first;

        public List<(int Index, OpenFlowError Error)> Errors { get; } = [];

        public bool Contains(uint xid) => unchecked(xid - First) < (uint)count;

        public int IndexOf(uint xid) => (int)unchecked(xid - First);
    }
}
