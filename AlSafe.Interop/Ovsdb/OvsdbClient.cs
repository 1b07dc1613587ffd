using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlSafe.Interop.Sockets;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// A client of an OVSDB server (RFC 7047): JSON-RPC 1.0 over a unix or TCP socket, messages back to back without
/// delimiters. Requests may run concurrently and are matched to answers by id. The server's echo requests are
/// answered, and the client sends its own when the server has been silent for
/// <see cref="OvsdbClientOptions.KeepaliveInterval"/>, so that a hung server ends the connection.
/// </summary>
/// <remarks>
/// Anything the server sends that is not OVSDB's JSON-RPC ends the connection with an <see cref="OvsdbException"/>:
/// without delimiters there is no telling where the next message would start. A request whose send is cancelled or
/// times out also ends it, since a half-written message cannot be taken back.
/// </remarks>
public sealed class OvsdbClient : IAsyncDisposable
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private readonly Socket _socket;
    private readonly OvsdbMessageFramer _framer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly Dictionary<long, OvsdbMonitor> _monitors = [];
    private readonly CancellationTokenSource _lifetime = new();
    private Task _readLoop = Task.CompletedTask;
    private Task _keepalive = Task.CompletedTask;
    private Exception? _failure;
    private long _lastId;
    private long _lastHeard;
    private int _disposed;

    private OvsdbClient(Socket socket, OvsdbEndpoint endpoint, OvsdbClientOptions options)
    {
        _socket = socket;
        _framer = new OvsdbMessageFramer(options.MaxMessageBytes);
        Endpoint = endpoint;
        Options = options;
    }

    public OvsdbEndpoint Endpoint { get; }

    public OvsdbClientOptions Options { get; }

    /// <summary>False once the connection has ended, by disposal, by the server or by a protocol error.</summary>
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

    /// <exception cref="OvsdbException">The socket could not be connected.</exception>
    /// <exception cref="TimeoutException">Connecting took longer than <see cref="OvsdbClientOptions.Timeout"/>.</exception>
    public static async Task<OvsdbClient> ConnectAsync(OvsdbEndpoint endpoint, OvsdbClientOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new OvsdbClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MonitorBacklog, 1);
        if (options.KeepaliveInterval != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.KeepaliveInterval, TimeSpan.Zero);
        }

        var client = new OvsdbClient(endpoint.CreateSocket(), endpoint, options);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            await client._socket.ConnectAsync(endpoint.Address, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"OVSDB at {endpoint} did not accept a connection within {options.Timeout}");
        }
        catch (SocketException e)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new OvsdbException($"cannot connect to OVSDB at {endpoint}: {e.Message}", e);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        client._lastHeard = Environment.TickCount64;
        client._readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        if (options.KeepaliveInterval != Timeout.InfiniteTimeSpan)
        {
            client._keepalive = Task.Run(client.KeepaliveLoopAsync, CancellationToken.None);
        }

        return client;
    }

    /// <summary>The databases the server holds (list_dbs).</summary>
    public async Task<IReadOnlyList<string>> ListDbsAsync(CancellationToken cancellationToken = default)
    {
        var result = await RequestAsync("list_dbs", static _ => { }, null, cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Array && result.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? [.. result.EnumerateArray().Select(OvsdbDataDecoder.GetString)]
            : throw new OvsdbException($"OVSDB answered list_dbs with {result.ValueKind} instead of an array of names");
    }

    /// <summary>Sends an echo and returns what came back (the server returns the parameters it was sent).</summary>
    public Task<JsonElement> EchoAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("echo", static w => w.WriteStringValue("alsafe"), null, cancellationToken);

    /// <summary>Runs one transaction (RFC 7047 section 4.1.3) and returns its results, one per operation.</summary>
    /// <param name="operations">The operations, each a JSON object such as
    /// <c>{"op": "update", "table": "Bridge", "where": [...], "row": {...}}</c>.</param>
    /// <exception cref="OvsdbException">The request failed, or an operation or the commit did; the transaction then
    /// changed nothing.</exception>
    public async Task<JsonElement> TransactAsync(string database, JsonArray operations, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        ArgumentNullException.ThrowIfNull(operations);
        var result = await RequestAsync("transact", w =>
        {
            w.WriteStringValue(database);
            foreach (var operation in operations)
            {
                if (operation is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    operation.WriteTo(w);
                }
            }
        }, null, cancellationToken).ConfigureAwait(false);
        if (result.ValueKind != JsonValueKind.Array)
        {
            throw new OvsdbException($"OVSDB answered transact with {result.ValueKind} instead of an array of results");
        }

        var index = 0;
        foreach (var outcome in result.EnumerateArray())
        {
            // A result past the last operation reports the commit itself failing.
            if (outcome.ValueKind == JsonValueKind.Object && outcome.TryGetProperty("error", out var error) &&
                error.ValueKind != JsonValueKind.Null)
            {
                var what = index < operations.Count ? $"operation {index} of a transaction on {database}" : $"the commit of a transaction on {database}";
                throw new OvsdbException($"OVSDB refused {what}", Text(error), Member(outcome, "details"));
            }

            index++;
        }

        return result;
    }

    /// <summary>Starts a monitor of one table's columns.</summary>
    public Task<OvsdbMonitor> MonitorAsync(string database, string table, IReadOnlyList<string> columns,
        CancellationToken cancellationToken = default) =>
        MonitorAsync(database, [new OvsdbTableSelection(table, columns)], cancellationToken);

    /// <summary>Starts a monitor of several tables, whose changes then come in the same batches as the server commits
    /// them together.</summary>
    public async Task<OvsdbMonitor> MonitorAsync(string database, IReadOnlyList<OvsdbTableSelection> tables,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfZero(tables.Count);
        var monitor = new OvsdbMonitor(this, Interlocked.Increment(ref _lastId), database, Options.MonitorBacklog);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw Ended("monitor", _failure);
            }

            // Registered before the request goes out, so no notification can find it missing.
            _monitors.Add(monitor.Id, monitor);
        }

        try
        {
            var result = await RequestAsync("monitor", w =>
            {
                w.WriteStringValue(database);
                w.WriteNumberValue(monitor.Id);
                w.WriteStartObject();
                foreach (var selection in tables)
                {
                    w.WriteStartObject(selection.Table);
                    w.WriteStartArray("columns");
                    foreach (var column in selection.Columns)
                    {
                        w.WriteStringValue(column);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }, null, cancellationToken).ConfigureAwait(false);
            monitor.Initial = OvsdbDataDecoder.DecodeTableUpdates(result);
            return monitor;
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _monitors.Remove(monitor.Id);
            }

            monitor.Complete(e);
            throw;
        }
    }

    /// <summary>Sends one request and returns its result.</summary>
    /// <param name="writeParameters">Writes the elements of the params array.</param>
    /// <param name="timeout">How long to wait for the answer; <see cref="OvsdbClientOptions.Timeout"/> if null.</param>
    /// <exception cref="OvsdbException">The server answered with an error, or the connection ended first.</exception>
    /// <exception cref="TimeoutException">No answer came in time.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed before the answer came.</exception>
    public async Task<JsonElement> RequestAsync(string method, Action<Utf8JsonWriter> writeParameters, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(writeParameters);
        var limit = timeout ?? Options.Timeout;
        var id = Interlocked.Increment(ref _lastId);
        var message = Serialize(w =>
        {
            w.WriteString("method", method);
            w.WriteStartArray("params");
            writeParameters(w);
            w.WriteEndArray();
            w.WriteNumber("id", id);
        });
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw Ended(method, _failure);
            }

            _pending.Add(id, new PendingRequest(method, answer));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await SendAsync(message, deadline.Token).ConfigureAwait(false);
            return await answer.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"OVSDB {method} got no answer from {Endpoint} within {limit}");
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(id);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Fail(new ObjectDisposedException(nameof(OvsdbClient), $"the OVSDB client of {Endpoint} was disposed"));
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await Task.WhenAll(_readLoop, _keepalive).ConfigureAwait(false);
        }
        finally
        {
            _lifetime.Dispose();
        }
    }

    internal async Task CancelMonitorAsync(OvsdbMonitor monitor)
    {
        lock (_gate)
        {
            if (!_monitors.Remove(monitor.Id) || _failure is not null)
            {
                return;
            }
        }

        try
        {
            await RequestAsync("monitor_cancel", w => w.WriteNumberValue(monitor.Id)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OvsdbException or TimeoutException or ObjectDisposedException)
        {
            // The server forgets a connection's monitors with the connection, and nobody reads this one any more.
        }
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static Exception Ended(string method, Exception failure) => failure is ObjectDisposedException
        ? new ObjectDisposedException(nameof(OvsdbClient), $"OVSDB {method} was not answered: {failure.Message}")
        : new OvsdbException($"OVSDB {method} was not answered: {failure.Message}", failure);

    private static string Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? OvsdbDataDecoder.GetString(element) : element.GetRawText();

    private static string? Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind != JsonValueKind.Null
            ? Text(value)
            : null;

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
                var failure = new OvsdbException($"sending to OVSDB at {Endpoint} failed or was abandoned: {e.Message}", e);
                Abort(failure);
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
                while (_framer.TryTake(out var message))
                {
                    if (Dispatch(message) is { } reply)
                    {
                        await SendAsync(reply, _lifetime.Token).ConfigureAwait(false);
                    }
                }

                var received = await _socket.ReceiveAsync(_framer.GetFreeSpace(), SocketFlags.None, _lifetime.Token)
                    .ConfigureAwait(false);
                if (received == 0)
                {
                    failure = new OvsdbException($"OVSDB at {Endpoint} closed the connection");
                    break;
                }

                _framer.Commit(received);
                Volatile.Write(ref _lastHeard, Environment.TickCount64);
            }
        }
        catch (Exception e) when (_lifetime.IsCancellationRequested)
        {
            failure = new ObjectDisposedException(nameof(OvsdbClient), $"the OVSDB client of {Endpoint} was disposed: {e.Message}");
        }
        catch (OvsdbException e)
        {
            failure = e;
        }
        catch (Exception e)
        {
            failure = new OvsdbException($"reading OVSDB from {Endpoint} failed: {e.Message}", e);
        }

        Abort(failure);
    }

    /// <summary>Handles one message; returns the reply to send, if the server asked for one.</summary>
    private byte[]? Dispatch(ReadOnlyMemory<byte> message)
    {
        using var document = ParseMessage(message);
        var root = document.RootElement;
        var id = root.TryGetProperty("id", out var idElement) ? idElement : default;
        var isRequest = id.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        if (root.TryGetProperty("method", out var method))
        {
            if (method.ValueKind != JsonValueKind.String)
            {
                throw new OvsdbException($"OVSDB sent a request whose method is {method.ValueKind}, not a string");
            }

            var parameters = root.TryGetProperty("params", out var p) ? p : default;
            if (isRequest)
            {
                return ReplyTo(method, id, parameters);
            }

            if (method.ValueEquals("update"))
            {
                Deliver(parameters);
            }

            // Other notifications (locked, stolen, update2...) answer requests this client never makes.
            return null;
        }

        var hasResult = root.TryGetProperty("result", out var result);
        if (!root.TryGetProperty("error", out var error) && !hasResult)
        {
            throw new OvsdbException($"OVSDB sent an object that is neither a request nor a response: {Shorten(root)}");
        }

        // An answer to an id this client never sent (or gave up on) has nobody waiting for it.
        if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var number))
        {
            return null;
        }

        PendingRequest pending;
        lock (_gate)
        {
            if (!_pending.Remove(number, out pending))
            {
                return null;
            }
        }

        if (error.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var (code, details) = error.ValueKind == JsonValueKind.Object
                ? (Member(error, "error") ?? error.GetRawText(), Member(error, "details"))
                : (Text(error), null);
            pending.Answer.TrySetException(new OvsdbException($"OVSDB {pending.Method} failed", code, details));
        }
        else if (result.ValueKind == JsonValueKind.Undefined)
        {
            pending.Answer.TrySetException(new OvsdbException($"OVSDB answered {pending.Method} with neither result nor error"));
        }
        else
        {
            pending.Answer.TrySetResult(result.Clone());
        }

        return null;
    }

    private static JsonDocument ParseMessage(ReadOnlyMemory<byte> message)
    {
        try
        {
            return JsonDocument.Parse(message, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new OvsdbException($"OVSDB sent malformed JSON: {e.Message}", e);
        }
    }

    private static byte[] ReplyTo(JsonElement method, JsonElement id, JsonElement parameters) => Serialize(w =>
    {
        w.WritePropertyName("id");
        id.WriteTo(w);
        if (method.ValueEquals("echo"))
        {
            w.WritePropertyName("result");
            if (parameters.ValueKind == JsonValueKind.Undefined)
            {
                w.WriteStartArray();
                w.WriteEndArray();
            }
            else
            {
                parameters.WriteTo(w);
            }

            w.WriteNull("error");
        }
        else
        {
            w.WriteNull("result");
            w.WriteString("error", "unknown method");
        }
    });

    private void Deliver(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() != 2)
        {
            throw new OvsdbException($"OVSDB sent an update whose params are not [monitor, table-updates]: {Shorten(parameters)}");
        }

        OvsdbMonitor? monitor;
        lock (_gate)
        {
            monitor = parameters[0].ValueKind == JsonValueKind.Number && parameters[0].TryGetInt64(out var id)
                ? _monitors.GetValueOrDefault(id)
                : null;
        }

        // Decoded even for a monitor nobody holds: a malformed update is a broken server either way.
        var updates = OvsdbDataDecoder.DecodeTableUpdates(parameters[1]);
        if (monitor is not null && !monitor.TryDeliver(updates))
        {
            lock (_gate)
            {
                _monitors.Remove(monitor.Id);
            }

            monitor.Complete(new OvsdbException(
                $"the reader of an OVSDB monitor of {monitor.Database} fell {Options.MonitorBacklog} updates behind"));
        }
    }

    private static string Shorten(JsonElement json)
    {
        var text = json.ValueKind == JsonValueKind.Undefined ? "nothing" : json.GetRawText();
        return text.Length <= 120 ? text : text[..120] + "...";
    }

    private async Task KeepaliveLoopAsync()
    {
        var interval = (long)Options.KeepaliveInterval.TotalMilliseconds;
        try
        {
            while (true)
            {
                var quiet = Environment.TickCount64 - Volatile.Read(ref _lastHeard);
                if (quiet < interval)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(interval - quiet), _lifetime.Token).ConfigureAwait(false);
                    continue;
                }

                await EchoAsync(_lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (TimeoutException e)
        {
            Abort(new OvsdbException($"OVSDB at {Endpoint} did not answer an echo within {Options.Timeout}", e));
        }
        catch (Exception e) when (e is OperationCanceledException or OvsdbException or ObjectDisposedException)
        {
            // The connection is over, and whatever ended it is already its failure.
        }
    }

    private void Abort(Exception failure)
    {
        Fail(failure);
        _socket.Dispose();
    }

    private void Fail(Exception failure)
    {
        PendingRequest[] orphans;
        OvsdbMonitor[] monitors;
        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = failure;
            orphans = [.. _pending.Values];
            _pending.Clear();
            monitors = [.. _monitors.Values];
            _monitors.Clear();
        }

        foreach (var orphan in orphans)
        {
            orphan.Answer.TrySetException(Ended(orphan.Method, failure));
        }

        var monitorFailure = failure is ObjectDisposedException
            ? null
            : new OvsdbException($"the OVSDB monitor ended with its connection: {failure.Message}", failure);
        foreach (var monitor in monitors)
        {
            monitor.Complete(monitorFailure);
        }
    }

    private readonly record struct PendingRequest(string Method, TaskCompletionSource<JsonElement> Answer);
}
