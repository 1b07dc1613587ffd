using System.Threading.Channels;
using AlSafe.Core.Ports;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// Watches the node's switch for VM ports: monitors the Bridge, Port and Interface tables and turns every committed
/// change into <see cref="PortEvent"/>s through a <see cref="PortInventory"/>. When the database goes away it
/// reconnects with backoff; the new monitor's initial rows are a full view, so what changed while it was away comes
/// out as events and what did not change stays silent.
/// </summary>
public sealed class OvsdbPortWatcher : IAsyncDisposable
{
    private readonly OvsdbPortWatcherOptions _options;
    private readonly PortInventory _inventory;

    // Unbounded because nothing may be dropped and ports change at human pace: one event per plug or unplug.
    private readonly Channel<PortEvent> _events = Channel.CreateUnbounded<PortEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private IReadOnlyList<VmPortBinding> _bindings = [];

    // Kept across connections: it is what a restarted server has forgotten (see SwitchPortProjection.RememberMacInUse).
    private Dictionary<Guid, string> _macInUse = [];
    private bool _synchronized;
    private Task? _run;
    private int _disposed;

    public OvsdbPortWatcher(OvsdbPortWatcherOptions options, VmPortResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InitialBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBackoff, options.InitialBackoff);
        _options = options;
        _inventory = new PortInventory(resolver ?? new VmPortResolver());
    }

    /// <summary>Port events in order. Completes when the watcher is disposed.</summary>
    public ChannelReader<PortEvent> Events => _events.Reader;

    /// <summary>The bindings as of the last event written.</summary>
    public IReadOnlyList<VmPortBinding> Bindings
    {
        get
        {
            lock (_gate)
            {
                return _bindings;
            }
        }
    }

    public bool IsSynchronized
    {
        get
        {
            lock (_gate)
            {
                return _synchronized;
            }
        }
    }

    /// <summary>Starts watching in the background; a database that is not there yet is retried like a lost one.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException("the watcher is already started");
            }

            _run = Task.Run(RunAsync, CancellationToken.None);
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
        lock (_gate)
        {
            run = _run;
        }

        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var backoff = _options.InitialBackoff;
        while (!token.IsCancellationRequested)
        {
            Exception failure;
            try
            {
                // The client's disposal ends its monitor too: the server forgets a connection's monitors with it.
                var client = await OvsdbClient.ConnectAsync(_options.Endpoint, _options.Client, token).ConfigureAwait(false);
                await using (client.ConfigureAwait(false))
                {
                    var monitor = await client.MonitorAsync(SwitchPortProjection.Database, SwitchPortProjection.Tables, token)
                        .ConfigureAwait(false);
                    var replica = new OvsdbReplica();
                    replica.Apply(monitor.Initial);
                    Publish(replica);
                    backoff = _options.InitialBackoff;
                    _options.StatusChanged?.Invoke(new OvsdbWatchStatus(true, null, null));
                    await foreach (var batch in monitor.Updates.ReadAllAsync(token).ConfigureAwait(false))
                    {
                        replica.Apply(batch);
                        Publish(replica);
                    }

                    failure = new OvsdbException($"the OVSDB monitor at {_options.Endpoint} ended");
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failure = e;
            }

            lock (_gate)
            {
                _synchronized = false;
            }

            _options.StatusChanged?.Invoke(new OvsdbWatchStatus(false, failure, backoff));
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

    private void Publish(OvsdbReplica replica)
    {
        var ports = SwitchPortProjection.Project(replica, _options.Bridge, _macInUse);
        _macInUse = SwitchPortProjection.RememberMacInUse(replica, _macInUse);
        var events = _inventory.Update(ports);
        lock (_gate)
        {
            _bindings = _inventory.Bindings;
            _synchronized = true;
        }

        foreach (var portEvent in events)
        {
            _events.Writer.TryWrite(portEvent);
        }
    }
}
