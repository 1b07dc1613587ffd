using System.Runtime.InteropServices;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Profiles;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.Daemon.Configuration;
using AlSafe.Daemon.Control;
using AlSafe.Daemon.Enforcement;
using AlSafe.Interop.Edge;
using AlSafe.Interop.Ovsdb;
using AlSafe.Interop.Switch;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace AlSafe.Daemon.Runtime;

/// <summary>
/// <c>alsafe run</c>: wires the switch's port events, the VM descriptors and the whitelists into the adaptation engine,
/// both firewalls under it, and the control API over it. Start returns once every known VM's first rules are enforced
/// (then systemd hears READY); the rules stay in force when the daemon stops, so stopping it never opens anything.
/// </summary>
internal sealed class AlSafeService(DaemonOptions options, ILogger log) : IHostedService, IAsyncDisposable
{
    /// <summary>How long the start waits for the switch's database to list the ports before going on without them
    /// (their events still arrive later).</summary>
    private static readonly TimeSpan InventoryWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long each part may take to close when the daemon stops.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stop = new();
    private readonly ServiceNotifier _notifier = new();
    private readonly WhitelistStore _whitelists = new();
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly List<Task> _background = [];
    private readonly List<IDisposable> _disposables = [];
    private readonly TrustedFiles _trust = new(options.Node.TrustedFilesOnly);
    private JournalObserver? _observer;
    private AdaptationEngine? _engine;
    private SwitchFirewall? _switch;
    private EdgeFirewall? _edge;
    private OvsdbPortWatcher? _ports;
    private DBusControlServer? _bus;
    private VmDescriptorCatalog? _descriptors;
    private IReadOnlyList<KernelProfile> _profiles = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var ct = starting.Token;
        log.Information("{Summary:l}", $"alsafe starting on node {options.Node.Name} with {options.SourcePath}");
        _notifier.Status("loading profiles, whitelists and VM descriptors");

        DaemonControl? control = null;
        _observer = new JournalObserver(log, (vm, verdict) => control?.Publish(vm, verdict));
        try
        {
            _profiles = ProfileCatalog.LoadDirectory(options.Introspection.ProfilesDirectory,
                skipped => log.Warning("{Summary:l}", $"kernel profile skipped: {skipped}"));
            log.Information("{Summary:l}", $"{_profiles.Count} kernel profiles in {options.Introspection.ProfilesDirectory}");
        }
        catch (IOException e)
        {
            // A node without profiles still starts: its VMs cannot be read, so they stay denied everything (fail
            // closed) until `alsafe profile build` fills the directory and the daemon restarts.
            _observer.Error(log, $"{e.Message}: no VM can be introspected; build one with `alsafe profile build`");
        }

        ReloadWhitelists();
        _descriptors = new VmDescriptorCatalog(options.Node.VmsDirectory, _trust, _observer);

        _switch = new SwitchFirewall(new SwitchFirewallOptions
        {
            Bridge = options.Switch.Bridge,
            ManagementSocket = options.Switch.ManagementSocket,
            TcpHost = options.Switch.TcpHost,
            TcpPort = options.Switch.TcpPort,
            OvsdbEndpoint = options.Switch.Ovsdb,
            RequestTimeout = options.Switch.RequestTimeout,
            ReconcileInterval = options.Switch.ReconcileInterval,
            Log = line => log.Information("{Summary:l}", $"switch: {line}"),
        });
        List<IEnforcementPoint> points = [new SwitchEnforcement(_switch, line => _observer.Error(log, $"switch: {line}"))];
        if (options.Edge is { } edge)
        {
            _trust.RequirePrivateKey(edge.PrivateKey);
            _edge = new EdgeFirewall(EdgeOptions(edge), new EdgeNode(options.Node.Name, edge.ProtectedPrefixes),
                line => log.Information("{Summary:l}", $"edge: {line}"));
            points.Add(new EdgeEnforcement(_edge, edge.ConnectTimeout * 2, line => _observer.Error(log, $"edge: {line}")));
        }
        else
        {
            log.Warning("{Summary:l}", "no [edge] section: rules are enforced on this node's switch only");
        }

        var adaptation = options.Adaptation;
        _engine = new AdaptationEngine(
            new AdaptationOptions(adaptation.Period, adaptation.Concurrency, adaptation.CycleDeadline, adaptation.BackoffInitial,
                adaptation.BackoffMax, AdaptationOptions.Default.TriggerInterval),
            _whitelists,
            new GuestConnector(() => _profiles, options.Introspection.Live, options.Introspection.Limits),
            points,
            _observer);
        await _engine.SetDescriptorsAsync(_descriptors.Load(), ct).ConfigureAwait(false);
        _switch.NewConnectionSeen += (_, connection) =>
        {
            // Only a hint to look now: the cycle it triggers decides from guest memory, as every cycle does.
            if (_engine?.VmOfCookie(connection.VmCookie) is { } vm && _engine.Trigger(vm))
            {
                log.ForContext(Logging.LogFields.Vm, vm).Debug("{Summary:l}", $"VM {vm}: new connection without a rule, introspecting now: {connection}");
            }
        };

        _notifier.Status("reading the switch's ports");
        _ports = new OvsdbPortWatcher(new OvsdbPortWatcherOptions
        {
            Endpoint = options.Switch.Ovsdb,
            Bridge = options.Switch.Bridge,
            StatusChanged = status => log.Information("{Summary:l}", $"switch database: {status}"),
        });
        _ports.Start();
        await WaitForInventoryAsync(ct).ConfigureAwait(false);
        while (_ports.Events.TryRead(out var change))
        {
            await _engine.HandlePortEventAsync(change, ct).ConfigureAwait(false);
        }

        _notifier.Status("first sync: introspecting every VM and installing its rules");
        await _engine.StartAsync(ct).ConfigureAwait(false);
        _background.Add(Task.Run(() => PumpPortEventsAsync(_stop.Token), CancellationToken.None));

        control = new DaemonControl(_engine, () => _observer.LastError, Reload, adaptation.MinPeriod, adaptation.MaxPeriod,
            options.Node.Name, options.Migration, options.Node.TrustedFilesOnly, _observer.Note, _stop.Token);
        CheckMigrationKey();
        await StartBusAsync(control).ConfigureAwait(false);
        WatchFiles();
        _disposables.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            log.Information("{Summary:l}", "SIGHUP: reloading the whitelists and VM descriptors");
            _ = Task.Run(Reload, CancellationToken.None);
        }));
        _background.Add(Task.Run(() => KeepAliveAsync(_stop.Token), CancellationToken.None));

        var summary = StatusLine();
        log.Information("{Summary:l}", $"ready: {summary}");
        _notifier.Ready(summary);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _notifier.Stopping();
        log.Information("{Summary:l}", "alsafe stopping; the installed rules stay in force");
        await _stop.CancelAsync().ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        // Each part gets a bounded time to close, so a connection that hangs cannot keep the daemon from exiting (the
        // rules stay on the switch and the edge either way); what hung is named in the log.
        await CloseAsync("control bus", _bus is { } bus ? bus.DisposeAsync().AsTask() : Task.CompletedTask).ConfigureAwait(false);
        await CloseAsync("switch database watcher", _ports is { } ports ? ports.DisposeAsync().AsTask() : Task.CompletedTask).ConfigureAwait(false);
        await CloseAsync("background tasks", Task.WhenAll(_background)).ConfigureAwait(false);
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await CloseAsync("adaptation engine", _engine is { } engine ? engine.DisposeAsync().AsTask() : Task.CompletedTask).ConfigureAwait(false);
        await CloseAsync("switch connection", _switch is { } sw ? sw.DisposeAsync().AsTask() : Task.CompletedTask).ConfigureAwait(false);
        await CloseAsync("edge connection", _edge is { } edge ? edge.DisposeAsync().AsTask() : Task.CompletedTask).ConfigureAwait(false);
        _disposables.Clear();
        _background.Clear();
        _bus = null;
        _ports = null;
        _engine = null;
        _switch = null;
        _edge = null;
    }

    private async Task CloseAsync(string what, Task closing)
    {
        try
        {
            await closing.WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.Warning("{Summary:l}", $"the {what} did not close within {CloseTimeout.TotalSeconds:0} s; exiting anyway");
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            log.Debug("{Summary:l}", $"the {what} closed with: {e.Message}");
        }
    }

    /// <summary>Re-reads the whitelists and the VM descriptors, keeping the last good of each bad file; returns the
    /// first error, or null when every file was taken.</summary>
    private string? Reload()
    {
        if (_engine is null || _descriptors is null)
        {
            return "the daemon is still starting";
        }

        _reloadGate.Wait();
        try
        {
            var whitelistError = ReloadWhitelists();
            var descriptors = _descriptors.Load();
            _engine.SetDescriptorsAsync(descriptors, _stop.Token).GetAwaiter().GetResult();
            _engine.TriggerAll();
            return whitelistError ?? _descriptors.LastError;
        }
        catch (OperationCanceledException)
        {
            return "the daemon is stopping";
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private string? ReloadWhitelists()
    {
        var results = WhitelistDirectory.Load(options.Node.WhitelistDirectory, note => log.Warning("{Summary:l}", $"whitelists: {note}"))
            .Select(_trust.Whitelist).ToList();
        var reload = _whitelists.Apply(results);
        foreach (var tenant in reload.Installed)
        {
            log.ForContext(Logging.LogFields.Tenant, tenant).Information("{Summary:l}", $"whitelist of tenant {tenant} in force");
        }

        foreach (var tenant in reload.Removed)
        {
            log.ForContext(Logging.LogFields.Tenant, tenant).Warning("{Summary:l}", $"whitelist of tenant {tenant} removed: its VMs are denied everything");
        }

        foreach (var error in reload.Errors)
        {
            _observer!.Error(log, $"whitelist refused, the last good one stays: {error}");
        }

        return reload.Errors.Count == 0 ? null : $"whitelist refused, the last good one stays: {reload.Errors[0]}";
    }

    /// <summary>Says at start whether hand-offs will work; the key is read again at each one, so fixing it needs no restart.</summary>
    private void CheckMigrationKey()
    {
        if (options.Migration is not { } migration)
        {
            log.Information("{Summary:l}", "no [migration] section: VM hand-offs (alsafe vm export/import) are refused");
            return;
        }

        try
        {
            MigrationKeyFile.Load(migration.Key, options.Node.TrustedFilesOnly);
            log.Information("{Summary:l}", $"VM hand-offs sealed with {migration.Key}, accepted for {migration.MaxAge.TotalSeconds:0} s after export");
        }
        catch (Core.Adaptation.Handoff.HandoffException e)
        {
            _observer!.Error(log, $"{e.Message}: VM hand-offs are refused until it is fixed");
        }
    }

    private async Task WaitForInventoryAsync(CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(50);
        while (!_ports!.IsSynchronized && waited < InventoryWait)
        {
            await Task.Delay(step, ct).ConfigureAwait(false);
            waited += step;
        }

        if (!_ports.IsSynchronized)
        {
            _observer!.Error(log, $"the switch's database at {options.Switch.Ovsdb} did not answer in {InventoryWait.TotalSeconds:0} s: " +
                                  "going on without its ports; they are protected as their events arrive");
        }
    }

    private async Task PumpPortEventsAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var change in _ports!.Events.ReadAllAsync(stop).ConfigureAwait(false))
            {
                await _engine!.HandlePortEventAsync(change, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task StartBusAsync(DaemonControl control)
    {
        var bus = options.Control.Bus;
        if (bus == "none")
        {
            log.Information("{Summary:l}", "no control bus ([control] bus = none)");
            return;
        }

        try
        {
            _bus = await DBusControlServer.StartAsync(control, bus == "system" ? null : bus).ConfigureAwait(false);
            log.Information("{Summary:l}", $"control API {ControlBus.BusName} on the {(bus == "system" ? "system bus" : bus)}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The firewall matters more than its remote control: run on, say why alsafe status will not answer.
            _observer!.Error(log, $"control API not available on {bus}: {e.Message}");
        }
    }

    /// <summary>Reloads on edits of the whitelist and descriptor directories: inotify for promptness, a poll for file
    /// systems and editors it misses. Edits arrive in bursts (write, rename), so a reload waits for a quiet moment.</summary>
    private void WatchFiles()
    {
        var changed = new DirectoryChangeSignal(
            [options.Node.WhitelistDirectory, options.Node.VmsDirectory], options.Adaptation.WhitelistPoll);
        _disposables.Add(changed);
        _background.Add(Task.Run(async () =>
        {
            while (await changed.WaitAsync(_stop.Token).ConfigureAwait(false))
            {
                log.Information("{Summary:l}", "whitelist or VM descriptor files changed: reloading");
                Reload();
            }
        }, CancellationToken.None));
    }

    private async Task KeepAliveAsync(CancellationToken stop)
    {
        var watchdog = ServiceNotifier.WatchdogInterval();
        var tick = watchdog is { } interval && interval / 2 < StatusInterval ? interval / 2 : StatusInterval;
        var sinceStatus = TimeSpan.Zero;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(tick, stop).ConfigureAwait(false);
                // A hung engine stops the keep-alives, and systemd restarts the daemon.
                if (watchdog is { } limit && _engine!.SinceHeartbeat < limit)
                {
                    _notifier.Watchdog();
                }

                sinceStatus += tick;
                if (sinceStatus >= StatusInterval)
                {
                    sinceStatus = TimeSpan.Zero;
                    _notifier.Status(StatusLine());
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private string StatusLine()
    {
        var vms = _engine!.Status();
        var protectedCount = vms.Count(vm => vm.State == VmState.Protected);
        var failing = vms.Count(vm => vm.State == VmState.Failing);
        var edge = _edge is null ? "no edge" : _edge.IsSynchronized ? "edge in sync" : "edge NOT in sync";
        var sw = _switch!.IsConnected ? "switch connected" : "switch NOT connected";
        return $"{vms.Count} VMs, {protectedCount} protected, {failing} failing; {sw}; {edge}";
    }

    private static EdgeHostOptions EdgeOptions(EdgeSettings edge) => new()
    {
        Host = edge.Host,
        Port = edge.Port,
        User = edge.User,
        PrivateKeyPath = edge.PrivateKey,
        KnownHostsPath = edge.KnownHosts,
        HostKeyFingerprint = edge.HostKeyFingerprint,
        ConnectTimeout = edge.ConnectTimeout,
        CommandTimeout = edge.CommandTimeout,
        ReconcileInterval = edge.ReconcileInterval,
    };
}
