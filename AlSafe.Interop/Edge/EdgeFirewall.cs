using System.Diagnostics;
using System.Globalization;
using AlSafe.Core.Rules.Edge;

namespace AlSafe.Interop.Edge;

/// <summary>
/// One compute node's side of the edge firewall. It keeps every VM's wanted elements, writes each change as one
/// transaction over a persistent <see cref="EdgeConnection"/>, and keeps the edge right in the background: it
/// reconnects with backoff when the connection is lost, resynchronizes the node's whole share of the table after every
/// connection, and reads the table back periodically to repair drift (a rebooted edge, a set flushed by hand). All
/// operations are serialized. Every decision and failure is told to the log callback as one line.
/// </summary>
public sealed class EdgeFirewall : IAsyncDisposable
{
    private readonly EdgeHostOptions _options;
    private readonly Action<string> _log;
    private readonly string _name;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, EdgeRuleSet> _wanted = new(StringComparer.Ordinal);
    private readonly Lock _signals = new();
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _synchronized = NewSignal();

    // The node's elements as last written to the edge; null when unknown (not connected yet, or a write failed), and
    // then nothing is written before a full resynchronization.
    private HashSet<EdgeElement>? _onEdge;
    private EdgeConnection? _connection;
    private Task? _run;
    private int _disposed;

    /// <param name="node">The node's share of the edge: its name, which names its sets and chains, and its protected prefixes.</param>
    /// <param name="log">Told one line per decision or failure; called on the firewall's tasks, it must return quickly
    /// and not throw.</param>
    public EdgeFirewall(EdgeHostOptions options, EdgeNode node, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(node);
        options.Validate();
        _options = options;
        Node = node;
        _log = log ?? (_ => { });
        _name = $"edge {options.User}@{options.Host}:{options.Port} node {node.Name}";
    }

    public EdgeNode Node { get; }

    /// <summary>Connected, and the edge held the node's elements as of the last write.</summary>
    public bool IsSynchronized
    {
        get
        {
            lock (_signals)
            {
                return _synchronized.Task.IsCompleted;
            }
        }
    }

    /// <summary>Starts connecting and keeping the edge right in the background. Apply every VM's rule set first (the
    /// updates are deferred): the first resynchronization then writes them in one transaction, where starting first
    /// would empty the node's sets on the edge until the VMs' rule sets arrive.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_signals)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException("the edge firewall is already started");
            }

            _run = Task.Run(RunAsync, CancellationToken.None);
        }
    }

    /// <summary>Completes once the edge is connected and holds the node's elements.</summary>
    public Task WaitForSynchronizationAsync(CancellationToken cancellationToken)
    {
        lock (_signals)
        {
            return _synchronized.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Every element the node wants on the edge now, all VMs together.</summary>
    public async Task<IReadOnlySet<EdgeElement>> WantedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Wanted();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes <paramref name="rules"/> the VM's elements on the edge, replacing what it had. Refused without
    /// touching the edge when another VM of this node already has elements for one of the VM's addresses: their
    /// elements could overlap, and the kernel would refuse every later transaction that carries both.</summary>
    public async Task<EdgeUpdateResult> ApplyAsync(EdgeRuleSet rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var addresses = rules.Elements.Select(element => element.VmAddress).ToHashSet();
            foreach (var (vm, other) in _wanted)
            {
                if (vm != rules.Vm && other.Elements.FirstOrDefault(element => addresses.Contains(element.VmAddress)) is { } clash)
                {
                    var error = $"VM {rules.Vm}: refused: VM {vm} of this node already has elements for {clash.VmAddress}";
                    Log(error);
                    return new EdgeUpdateResult(rules.Vm, EdgeUpdateOutcome.Refused, 0, 0, error);
                }
            }

            var outside = rules.Elements.Select(element => element.VmAddress).Distinct()
                .Where(address => !Node.ProtectedPrefixes.Any(prefix => prefix.Contains(address))).ToList();
            if (outside.Count > 0)
            {
                Log($"VM {rules.Vm}: {string.Join(", ", outside)} lies outside the protected prefixes: the edge drops none of its other traffic");
            }

            if (rules.Elements.Count == 0)
            {
                _wanted.Remove(rules.Vm);
            }
            else
            {
                _wanted[rules.Vm] = rules;
            }

            return await WriteAsync(rules.Vm, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes every element of the VM from the edge (the VM is gone or has left the node).</summary>
    public async Task<EdgeUpdateResult> RemoveAsync(string vm, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(vm);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _wanted.Remove(vm)
                ? await WriteAsync(vm, cancellationToken).ConfigureAwait(false)
                : new EdgeUpdateResult(vm, EdgeUpdateOutcome.Unchanged, 0, 0, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the edge's table back now and repairs the node's share of it; returns what was found.</summary>
    public async Task<EdgeRepair> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is not { IsConnected: true } connection)
            {
                throw new EdgeException(EdgeFault.Unreachable, $"{_name}: not connected");
            }

            return await RepairAsync(connection, "drift", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        Task? run;
        lock (_signals)
        {
            run = _run;
        }

        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        _connection?.Dispose();
        _stop.Dispose();
        _gate.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HashSet<EdgeElement> Wanted() => _wanted.Values.SelectMany(rules => rules.Elements).ToHashSet();

    private async Task<EdgeUpdateResult> WriteAsync(string vm, CancellationToken cancellationToken)
    {
        if (_connection is not { IsConnected: true } connection || _onEdge is null)
        {
            Log($"VM {vm}: the edge is not synchronized; the VM's elements wait for the next resynchronization");
            return new EdgeUpdateResult(vm, EdgeUpdateOutcome.Deferred, 0, 0, null);
        }

        var wanted = Wanted();
        var script = EdgeScript.Update(Node, _onEdge, wanted);
        if (script.Length == 0)
        {
            return new EdgeUpdateResult(vm, EdgeUpdateOutcome.Unchanged, 0, 0, null);
        }

        var removed = _onEdge.Count(element => !wanted.Contains(element));
        var added = wanted.Count(element => !_onEdge.Contains(element));
        var watch = Stopwatch.StartNew();
        try
        {
            await connection.ApplyAsync(script, cancellationToken).ConfigureAwait(false);
            _onEdge = wanted;
            Log(string.Create(CultureInfo.InvariantCulture, $"VM {vm}: -{removed} +{added} elements in {watch.Elapsed.TotalMilliseconds:0.0} ms"));
            return new EdgeUpdateResult(vm, EdgeUpdateOutcome.Applied, removed, added, null);
        }
        catch (EdgeException e) when (e.Fault == EdgeFault.Refused)
        {
            Log($"VM {vm}: {e.Message}; reading the table back to repair it");
            try
            {
                await RepairAsync(connection, "after a refused update", cancellationToken).ConfigureAwait(false);
                return new EdgeUpdateResult(vm, EdgeUpdateOutcome.Repaired, removed, added, e.Detail);
            }
            catch (EdgeException again)
            {
                Lose(again);
                Log($"VM {vm}: the repair failed too: {again.Message}; retrying in the background");
                return new EdgeUpdateResult(vm, EdgeUpdateOutcome.Refused, 0, 0, again.Detail ?? again.Message);
            }
        }
        catch (EdgeException e)
        {
            Lose(e);
            Log($"VM {vm}: connection lost ({e.Message}); the VM's elements wait for the next resynchronization");
            return new EdgeUpdateResult(vm, EdgeUpdateOutcome.Deferred, 0, 0, e.Message);
        }
    }

    // Called with the gate held. Whatever the edge held, it holds the node's wanted elements afterwards.
    private async Task<EdgeRepair> RepairAsync(EdgeConnection connection, string why, CancellationToken cancellationToken)
    {
        var wanted = Wanted();
        EdgeRepair repair;
        try
        {
            repair = await connection.RepairAsync(Node, wanted, cancellationToken).ConfigureAwait(false);
        }
        catch (EdgeException e)
        {
            Lose(e);
            throw;
        }

        _onEdge = wanted;
        if (!repair.IsEmpty)
        {
            Log($"repaired ({why}): {string.Join("; ", repair.Findings)}");
        }

        MarkSynchronized(true);
        return repair;
    }

    // Called with the gate held: the edge's state is unknown until a full resynchronization, which the background
    // task runs (after a new connection when this one is unusable).
    private void Lose(EdgeException failure)
    {
        _onEdge = null;
        MarkSynchronized(false);
        if (failure.Fault != EdgeFault.Refused)
        {
            _connection?.Dispose();
            _connection = null;
        }

        lock (_signals)
        {
            _wake.TrySetResult();
        }
    }

    private void MarkSynchronized(bool synchronized)
    {
        lock (_signals)
        {
            if (synchronized)
            {
                _synchronized.TrySetResult();
            }
            else if (_synchronized.Task.IsCompleted)
            {
                _synchronized = NewSignal();
            }
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var backoff = _options.InitialBackoff;
        var failures = 0;
        string? lastFailure = null;
        var reconcileDue = false;
        while (!token.IsCancellationRequested)
        {
            Task wake;
            lock (_signals)
            {
                _wake = NewSignal();
                wake = _wake.Task;
            }

            try
            {
                var connection = await EnsureSynchronizedAsync(reconcileDue, token).ConfigureAwait(false);
                reconcileDue = false;
                backoff = _options.InitialBackoff;
                failures = 0;
                lastFailure = null;
                using var interval = CancellationTokenSource.CreateLinkedTokenSource(token);
                var tick = _options.ReconcileInterval == Timeout.InfiniteTimeSpan
                    ? Task.Delay(Timeout.Infinite, interval.Token)
                    : Task.Delay(_options.ReconcileInterval, interval.Token);
                var woken = await Task.WhenAny(connection.Lost, wake, tick).ConfigureAwait(false);
                await interval.CancelAsync().ConfigureAwait(false);
                reconcileDue = woken == tick && !token.IsCancellationRequested;
                if (woken == connection.Lost && !token.IsCancellationRequested && await DropAsync(connection, token).ConfigureAwait(false))
                {
                    Log($"connection lost ({connection.Lost.Result.Message}); reconnecting");
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Anything else is a fault of this code or of the edge's answers; the loop must outlive it, or the
                // edge would silently stop being kept right.
                var message = e is EdgeException ? e.Message : $"unexpected {e.GetType().Name}: {e.Message}";
                if (e is not EdgeException)
                {
                    await DropAsync(null, CancellationToken.None).ConfigureAwait(false);
                }

                failures++;
                if (message != lastFailure || (failures & (failures - 1)) == 0)
                {
                    Log(string.Create(CultureInfo.InvariantCulture,
                        $"{message} (attempt {failures}); next attempt in {backoff.TotalMilliseconds:0} ms"));
                }

                lastFailure = message;
                try
                {
                    await Task.Delay(backoff, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    // Connects when there is no usable connection (and then resynchronizes in full), or repairs when the edge's state
    // is unknown or the periodic check is due; returns the connection in use. Connecting happens outside the gate, so
    // updates meanwhile return Deferred at once instead of waiting out a connect timeout.
    private async Task<EdgeConnection> EnsureSynchronizedAsync(bool reconcileDue, CancellationToken token)
    {
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (_connection is { IsConnected: true } current)
            {
                if (_onEdge is not null && !reconcileDue)
                {
                    return current;
                }

                return await ResynchronizeAsync(current, reconcileDue ? "periodic check" : "resynchronization", token).ConfigureAwait(false);
            }

            _connection?.Dispose();
            _connection = null;
            _onEdge = null;
            MarkSynchronized(false);
        }
        finally
        {
            _gate.Release();
        }

        var fresh = await EdgeConnection.ConnectAsync(_options, token).ConfigureAwait(false);
        Log($"connected, host key {fresh.HostKey}");
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            _connection?.Dispose();
            _connection = fresh;
            return await ResynchronizeAsync(fresh, "after connecting", token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Called with the gate held.
    private async Task<EdgeConnection> ResynchronizeAsync(EdgeConnection connection, string why, CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        var repair = await RepairAsync(connection, why, token).ConfigureAwait(false);
        if (why == "after connecting" || repair.Findings.Count > 0)
        {
            Log(string.Create(CultureInfo.InvariantCulture,
                $"synchronized ({why}): {_onEdge?.Count ?? 0} elements of {_wanted.Count} VMs in {watch.Elapsed.TotalMilliseconds:0.0} ms"));
        }

        return connection;
    }

    // True when the connection was still in use: it broke by itself rather than being given up by an operation
    // that has already said why. Null drops whatever connection is in use.
    private async Task<bool> DropAsync(EdgeConnection? connection, CancellationToken token)
    {
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            connection?.Dispose();
            if (connection is not null && !ReferenceEquals(_connection, connection))
            {
                return false;
            }

            _connection?.Dispose();
            _connection = null;
            _onEdge = null;
            MarkSynchronized(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Log(string message) => _log($"{_name}: {message}");
}
