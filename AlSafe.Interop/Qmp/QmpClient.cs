using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using AlSafe.Interop.Sockets;

namespace AlSafe.Interop.Qmp;

/// <summary>
/// A client of QEMU's machine protocol (QMP) on a unix socket. Commands may run concurrently: each carries its own id
/// and its answer is matched by it. Events go to a bounded channel that drops the oldest, so a reader that falls behind
/// loses old events instead of growing memory.
/// </summary>
/// <remarks>
/// A command whose send is cancelled or times out ends the connection: a half-written message cannot be taken back,
/// and everything after it would be misread by QEMU.
/// </remarks>
public sealed class QmpClient : IAsyncDisposable
{
    /// <summary>How many unread events are kept before the oldest are dropped.</summary>
    public const int EventCapacity = 1024;

    // query-qmp-schema, the largest answer QEMU gives, is under 1 MiB; HMP output of a big xp can be larger.
    private const int DefaultMaxLineLength = 16 << 20;
    private static readonly TimeSpan DefaultDumpTimeout = TimeSpan.FromMinutes(10);

    private readonly Socket _socket;
    private readonly QmpLineReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<long, PendingCommand> _pending = [];
    private readonly Channel<QmpEvent> _events = Channel.CreateBounded<QmpEvent>(new BoundedChannelOptions(EventCapacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleWriter = true,
    });

    private readonly CancellationTokenSource _lifetime = new();
    private Task _readLoop = Task.CompletedTask;
    private Exception? _failure;
    private long _lastId;
    private int _disposed;

    private QmpClient(Socket socket, QmpLineReader reader, string socketPath, TimeSpan defaultTimeout)
    {
        _socket = socket;
        _reader = reader;
        SocketPath = socketPath;
        DefaultTimeout = defaultTimeout;
    }

    public string SocketPath { get; }

    /// <summary>QEMU's version from the greeting (major.minor.micro).</summary>
    public Version QemuVersion { get; private set; } = new();

    /// <summary>The distributor's package string from the greeting, such as "Debian 1:7.2+dfsg-7"; may be empty.</summary>
    public string QemuPackage { get; private set; } = "";

    /// <summary>The timeout of a command given none: the one passed to <see cref="ConnectAsync"/>.</summary>
    public TimeSpan DefaultTimeout { get; }

    /// <summary>Events in arrival order. Completes when the connection ends: normally on disposal, with the
    /// <see cref="IOException"/> that ended it otherwise.</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>False once the connection has ended, by disposal or by QEMU going away.</summary>
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

    /// <summary>Connects, reads the greeting and negotiates capabilities, all within <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">QEMU did not greet and accept capabilities in time.</exception>
    public static Task<QmpClient> ConnectAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ConnectAsync(socketPath, timeout, DefaultMaxLineLength, cancellationToken);

    internal static async Task<QmpClient> ConnectAsync(string socketPath, TimeSpan timeout, int maxLineLength, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var reader = new QmpLineReader(socket, maxLineLength);
        var client = new QmpClient(socket, reader, socketPath, timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), deadline.Token).ConfigureAwait(false);
            var greeting = await reader.ReadLineAsync(deadline.Token).ConfigureAwait(false)
                ?? throw new IOException($"QMP at {socketPath} closed the connection before its greeting");
            client.ReadGreeting(greeting);
            client._readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
            await client.ExecuteAsync("qmp_capabilities", null, timeout, deadline.Token).ConfigureAwait(false);
            return client;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"QMP at {socketPath} did not greet and accept capabilities within {timeout}");
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs one command and returns its "return" member.</summary>
    /// <param name="timeout">How long to wait for the answer; <see cref="DefaultTimeout"/> if null.</param>
    /// <exception cref="QmpException">QEMU answered with an error.</exception>
    /// <exception cref="TimeoutException">No answer came in time.</exception>
    /// <exception cref="IOException">The connection ended before the answer came.</exception>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        var limit = timeout ?? DefaultTimeout;
        var id = Interlocked.Increment(ref _lastId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw Ended(command, _failure);
            }

            _pending.Add(id, new PendingCommand(command, answer));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await SendAsync(Serialize(command, arguments, id), deadline.Token).ConfigureAwait(false);
            return await answer.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"QMP command '{command}' got no answer from {SocketPath} within {limit}");
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(id);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("stop", cancellationToken: cancellationToken);

    public Task ContAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("cont", cancellationToken: cancellationToken);

    /// <summary>The run state from query-status: "running", "paused", "prelaunch", "shutdown" and so on.</summary>
    public async Task<string> QueryStatusAsync(CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync("query-status", cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty("status", out var status) &&
               status.ValueKind == JsonValueKind.String
            ? status.GetString()!
            : throw new InvalidDataException($"query-status answered without a status: {result.GetRawText()}");
    }

    /// <summary>Writes guest RAM as an ELF core (paging off: segments by physical address) and returns when QEMU has
    /// finished. QEMU opens <paramref name="path"/> itself, so it must be a path QEMU can write.</summary>
    /// <param name="timeout">How long the whole dump may take: ten minutes if null (about 3 s per GiB was measured).</param>
    public Task DumpGuestMemoryAsync(string path, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var arguments = new JsonObject
        {
            ["paging"] = false,
            ["protocol"] = "file:" + Path.GetFullPath(path),
        };
        return ExecuteAsync("dump-guest-memory", arguments, timeout ?? DefaultDumpTimeout, cancellationToken);
    }

    /// <summary>Runs a human monitor (HMP) command line, such as <c>xp /1gx 0x1000</c>, and returns its output.</summary>
    public async Task<string> HumanMonitorCommandAsync(string commandLine, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = commandLine },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.String
            ? result.GetString()!
            : throw new InvalidDataException($"human-monitor-command answered with {result.ValueKind}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Fail(new ObjectDisposedException(nameof(QmpClient), $"the QMP client of {SocketPath} was disposed"));
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        finally
        {
            _lifetime.Dispose();
        }
    }

    private static byte[] Serialize(string command, JsonObject? arguments, long id)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (arguments is not null)
            {
                writer.WritePropertyName("arguments");
                arguments.WriteTo(writer);
            }

            writer.WriteNumber("id", id);
            writer.WriteEndObject();
        }

        var message = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(message);
        message[^1] = (byte)'\n';
        return message;
    }

    private static Exception Ended(string command, Exception failure) => failure is ObjectDisposedException
        ? new ObjectDisposedException(nameof(QmpClient), $"QMP command '{command}' was not answered: {failure.Message}")
        : new IOException($"QMP command '{command}' was not answered: {failure.Message}", failure);

    private void ReadGreeting(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var qemu = document.RootElement.GetProperty("QMP").GetProperty("version");
            var numbers = qemu.GetProperty("qemu");
            QemuVersion = new Version(numbers.GetProperty("major").GetInt32(), numbers.GetProperty("minor").GetInt32(),
                numbers.GetProperty("micro").GetInt32());
            QemuPackage = qemu.TryGetProperty("package", out var package) && package.ValueKind == JsonValueKind.String
                ? package.GetString()!
                : "";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException
                                      or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{SocketPath} did not greet like QMP: {e.Message}", e);
        }
    }

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Nothing is written yet, so giving up here leaves the connection usable.
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await _socket.SendAllAsync(message.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var failure = new IOException($"sending to QMP at {SocketPath} failed or was abandoned: {e.Message}", e);
                Fail(failure);
                _socket.Dispose();
                if (e is OperationCanceledException)
                {
                    throw;
                }

                throw failure;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception failure;
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(_lifetime.Token).ConfigureAwait(false);
                if (line is null)
                {
                    failure = new IOException($"QMP at {SocketPath} closed the connection");
                    break;
                }

                Dispatch(line.Value);
            }
        }
        catch (Exception e) when (_lifetime.IsCancellationRequested)
        {
            failure = new ObjectDisposedException(nameof(QmpClient), $"the QMP client of {SocketPath} was disposed: {e.Message}");
        }
        catch (Exception e)
        {
            failure = new IOException($"reading QMP from {SocketPath} failed: {e.Message}", e);
        }

        Fail(failure);
    }

    private void Dispatch(ReadOnlyMemory<byte> line)
    {
        if (line.Span.Trim("\r\n \t"u8).IsEmpty)
        {
            return;
        }

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"QMP sent a {root.ValueKind} instead of an object");
        }

        if (root.TryGetProperty("event", out var name))
        {
            _events.Writer.TryWrite(new QmpEvent(name.GetString() ?? "", root.TryGetProperty("data", out var data) ? data.Clone() : null,
                ReadTimestamp(root)));
            return;
        }

        // Answers without an id of ours (QEMU's reply to unparseable input) have nobody waiting for them.
        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number ||
            !idElement.TryGetInt64(out var id))
        {
            return;
        }

        PendingCommand pending;
        lock (_gate)
        {
            if (!_pending.Remove(id, out pending))
            {
                return;
            }
        }

        if (root.TryGetProperty("return", out var result))
        {
            pending.Answer.TrySetResult(result.Clone());
        }
        else if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            pending.Answer.TrySetException(new QmpException(pending.Command, StringMember(error, "class"), StringMember(error, "desc")));
        }
        else
        {
            pending.Answer.TrySetException(new InvalidDataException(
                $"QMP answered '{pending.Command}' with neither return nor error: {root.GetRawText()}"));
        }
    }

    private static DateTimeOffset ReadTimestamp(JsonElement root)
    {
        if (root.TryGetProperty("timestamp", out var stamp) && stamp.ValueKind == JsonValueKind.Object &&
            stamp.TryGetProperty("seconds", out var seconds) && seconds.TryGetInt64(out var s) &&
            stamp.TryGetProperty("microseconds", out var micro) && micro.TryGetInt64(out var us) &&
            s is >= 0 and < 253_402_300_800 && us is >= 0 and < 1_000_000)
        {
            return DateTimeOffset.FromUnixTimeSeconds(s).AddTicks(us * TimeSpan.TicksPerMicrosecond);
        }

        return DateTimeOffset.UtcNow;
    }

    private static string StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private void Fail(Exception failure)
    {
        PendingCommand[] orphans;
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
            orphan.Answer.TrySetException(Ended(orphan.Command, failure));
        }

        _events.Writer.TryComplete(failure is ObjectDisposedException ? null : failure);
    }

    private readonly record struct PendingCommand(string Command, TaskCompletionSource<JsonElement> Answer);
}
