using System.Diagnostics;
using AlSafe.Core.Adaptation.Handoff;
using AlSafe.Core.Decisions;
using AlSafe.Core.Ports;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// The node's self-adaptation: which VMs are here (switch ports joined with descriptors), and for each one the cycle
/// introspect, decide, build grants, push them to every enforcement point in parallel. A VM is denied everything from
/// the moment its port appears until its first cycle allows something; a failing VM keeps the rules of its last good
/// cycle and is retried with backoff; a VM whose port goes has its rules withdrawn. A VM live-migrating is handed off
/// between nodes (<see cref="ExportAsync"/>, <see cref="ImportAsync"/>) so that it meets its grants on arrival.
/// </summary>
public sealed partial class AdaptationEngine : IAsyncDisposable
{
    /// <summary>How long a worker waits for work before it shows it is alive (<see cref="SinceHeartbeat"/>).</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly AdaptationOptions _options;
    private readonly WhitelistStore _whitelists;
    private readonly IGuestConnector _guests;
    private readonly IReadOnlyList<IEnforcementPoint> _points;
    private readonly IAdaptationObserver _observer;
    private readonly TimeProvider _time;
    private readonly VmScheduler _scheduler;
    private readonly object _lock = new();
    private readonly Dictionary<string, ProtectedVm> _vms = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private long _heartbeat;
    private bool _started;

    public AdaptationEngine(
        AdaptationOptions options,
        WhitelistStore whitelists,
        IGuestConnector guests,
        IReadOnlyList<IEnforcementPoint> points,
        IAdaptationObserver observer,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        _options = options;
        _whitelists = whitelists;
        _guests = guests;
        _points = points;
        _observer = observer;
        _time = time ?? TimeProvider.System;
        _scheduler = new VmScheduler(_time);
        _heartbeat = _time.GetTimestamp();
    }

    /// <summary>How long since a worker last showed it is alive; the daemon feeds the systemd watchdog only while this
    /// stays short, so a hung engine gets the daemon restarted.</summary>
    public TimeSpan SinceHeartbeat => _time.GetElapsedTime(Interlocked.Read(ref _heartbeat));

    /// <summary>Every VM the node knows, by name.</summary>
    public IReadOnlyList<VmStatus> Status()
    {
        lock (_lock)
        {
            return [.. _vms.Values.OrderBy(vm => vm.Name, StringComparer.Ordinal).Select(StatusOf)];
        }
    }

    public VmStatus? Status(string vm)
    {
        lock (_lock)
        {
            return _vms.TryGetValue(vm, out var state) ? StatusOf(state) : null;
        }
    }

    /// <summary>Which VM a cookie of the switch belongs to (a packet-in names the flow's cookie).</summary>
    public string? VmOfCookie(ulong cookie)
    {
        lock (_lock)
        {
            return _vms.Values.FirstOrDefault(vm => vm.Binding is not null && RuleCookie.ForVm(vm.Name) == cookie)?.Name;
        }
    }

    /// <summary>Replaces the set of VM descriptors (after vms.d was read). A VM whose descriptor changed has its guest
    /// reopened and runs a cycle now; one whose descriptor is gone keeps its port but loses its addresses: it is
    /// denied everything.</summary>
    public async Task SetDescriptorsAsync(IReadOnlyDictionary<string, VmDescriptor> descriptors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        List<ProtectedVm> changed = [];
        lock (_lock)
        {
            foreach (var (name, descriptor) in descriptors)
            {
                var vm = GetOrAdd(name);
                if (!Equals(vm.Descriptor, descriptor))
                {
                    changed.Add(vm);
                }
            }

            changed.AddRange(_vms.Values.Where(vm => vm.Descriptor is not null && !descriptors.ContainsKey(vm.Name)));
        }

        foreach (var vm in changed)
        {
            await vm.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                descriptors.TryGetValue(vm.Name, out var descriptor);
                vm.Descriptor = descriptor;
                await CloseChannelAsync(vm).ConfigureAwait(false);
                // Imported grants rest on the descriptor they were checked against: another one voids them.
                var importVoided = vm.Imported is { } imported && (descriptor is null || Mismatch(descriptor, imported) is not null);
                if (importVoided)
                {
                    vm.Imported = null;
                    vm.NotBefore = TimeSpan.MinValue;
                }

                _observer.Note(NoteLevel.Information, vm.Name, descriptor is null
                    ? vm.Exported is null
                        ? "descriptor removed: the VM is denied everything while its port stays"
                        : "descriptor removed: the exported VM keeps its rules until it leaves"
                    : $"descriptor {descriptor.SourcePath}: tenant {descriptor.Tenant}, addresses {string.Join(", ", descriptor.Addresses)}" +
                      (importVoided ? "; it does not match the imported hand-off, whose grants are dropped" : ""));
                if ((descriptor is null || importVoided) && vm.Binding is not null && vm.Exported is null && _started)
                {
                    await EnforceAsync(vm, Grants(vm, descriptor is null ? null : vm.Report), stage: false, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                vm.Gate.Release();
            }

            Forget(vm);
            _scheduler.Advance(vm.Name, _scheduler.Now);
        }
    }

    /// <summary>Applies one change of the switch's VM ports. Before <see cref="StartAsync"/> it only records the port;
    /// afterwards a new port gets default-deny rules at once and a cycle right away.</summary>
    public async Task HandlePortEventAsync(PortEvent change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        _observer.PortChanged(change);
        switch (change)
        {
            case VmPortAdded added:
                await BindAsync(added.Binding, cancellationToken).ConfigureAwait(false);
                break;
            case VmPortMoved moved:
                await BindAsync(moved.New, cancellationToken).ConfigureAwait(false);
                break;
            case VmPortRemoved removed:
                await UnbindAsync(removed.Binding, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// The first full sync: every VM with a port is introspected once (at most <see cref="AdaptationOptions.Concurrency"/>
    /// at a time) and its grants are staged on every enforcement point (default deny for a VM that could not be read);
    /// then the points start, so each installs every VM's rules in one go, and the periodic cycles begin. A restarted
    /// daemon therefore replaces the rules the switch still holds with fresh ones in one step, never passing through an
    /// empty or allow-all table.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        List<ProtectedVm> bound;
        lock (_lock)
        {
            bound = [.. _vms.Values.Where(vm => vm.Binding is not null)];
        }

        // A VM that could not be read is retried after its backoff, not a whole period later.
        var firstNext = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        using (var slots = new SemaphoreSlim(_options.Concurrency))
        {
            await Task.WhenAll(bound.Select(async vm =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    firstNext[vm.Name] = await RunCycleAsync(vm, stage: true, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            })).ConfigureAwait(false);
        }

        foreach (var vm in bound.Where(vm => vm.Enforced is null))
        {
            await StageAsync(vm, Grants(vm, report: null), cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_points.Select(point => point.StartAsync(cancellationToken))).ConfigureAwait(false);
        lock (_lock)
        {
            _started = true;
            // The first sync read every VM at once: their next cycles are spread over the period, or they would come
            // due together for good, a burst each period instead of a steady load.
            var index = 0;
            foreach (var vm in _vms.Values)
            {
                index++;
                _scheduler.Schedule(vm.Name, vm.Failures > 0 && firstNext.TryGetValue(vm.Name, out var retry)
                    ? retry
                    : _scheduler.Now + PeriodOf(vm) * ((double)index / _vms.Count));
            }
        }

        for (var i = 0; i < _options.Concurrency; i++)
        {
            _workers.Add(Task.Run(() => WorkAsync(_stop.Token), CancellationToken.None));
        }
    }

    /// <summary>Runs a cycle of every VM now (the whitelists changed).</summary>
    public void TriggerAll()
    {
        lock (_lock)
        {
            foreach (var vm in _vms.Values)
            {
                _scheduler.Advance(vm.Name, _scheduler.Now);
            }
        }
    }

    /// <summary>Runs a cycle of the VM soon, because its traffic met no rule: at once, unless a triggered cycle ran less
    /// than <see cref="AdaptationOptions.TriggerInterval"/> ago.</summary>
    /// <returns>False when the VM is not known.</returns>
    public bool Trigger(string vm)
    {
        lock (_lock)
        {
            if (!_vms.TryGetValue(vm, out var state))
            {
                return false;
            }

            var now = _scheduler.Now;
            if (state.LastTriggered > now)
            {
                // A triggered cycle is already booked: a burst of hints must not push it further out.
                _scheduler.Advance(vm, state.LastTriggered);
                return true;
            }

            var at = state.LastTriggered == TimeSpan.MinValue || now - state.LastTriggered >= _options.TriggerInterval
                ? now
                : state.LastTriggered + _options.TriggerInterval;
            state.LastTriggered = at;
            _scheduler.Advance(vm, at);
            return true;
        }
    }

    /// <summary>Sets the VM's period (the operator's word wins over the descriptor's) and reschedules it.</summary>
    /// <returns>False when the VM is not known.</returns>
    public bool SetPeriod(string vm, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        lock (_lock)
        {
            if (!_vms.TryGetValue(vm, out var state))
            {
                return false;
            }

            state.PeriodOverride = period;
            _scheduler.Schedule(vm, _scheduler.Now + period);
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        List<ProtectedVm> all;
        lock (_lock)
        {
            all = [.. _vms.Values];
        }

        foreach (var vm in all)
        {
            await CloseChannelAsync(vm).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _heartbeat, _time.GetTimestamp());
            string? name;
            try
            {
                name = await _scheduler.NextAsync(HeartbeatInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (name is null)
            {
                continue;
            }

            ProtectedVm? vm;
            lock (_lock)
            {
                _vms.TryGetValue(name, out vm);
            }

            var next = TimeSpan.MaxValue;
            try
            {
                next = vm is null ? TimeSpan.MaxValue : await RunCycleAsync(vm, stage: false, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Nothing may end a worker: the VM is retried after the longest backoff.
                _observer.Note(NoteLevel.Error, name, $"cycle aborted: {e}");
                next = _scheduler.Now + _options.BackoffMax;
            }
            finally
            {
                _scheduler.Done(name, next);
            }
        }
    }

    /// <summary>One cycle of one VM; returns when the next is due.</summary>
    private async Task<TimeSpan> RunCycleAsync(ProtectedVm vm, bool stage, CancellationToken stop)
    {
        try
        {
            await vm.Gate.WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return TimeSpan.MaxValue;
        }

        try
        {
            var descriptor = vm.Descriptor;
            if (vm.Exported is not null)
            {
                return TimeSpan.MaxValue;
            }

            if (vm.NotBefore > _scheduler.Now)
            {
                return vm.NotBefore;
            }

            if (vm.Binding is null || descriptor is null)
            {
                return _scheduler.Now + PeriodOf(vm);
            }

            using var budget = CancellationTokenSource.CreateLinkedTokenSource(stop);
            budget.CancelAfter(_options.CycleDeadline);
            try
            {
                vm.Channel ??= await _guests.OpenAsync(descriptor, budget.Token).ConfigureAwait(false);
                var snapshot = await vm.Channel.IntrospectAsync(budget.Token).ConfigureAwait(false);
                var report = Decide(vm, descriptor).Decide(vm.Name, snapshot.Processes);
                var delta = VerdictDelta.Between(vm.Report, report);
                vm.Report = report;
                vm.Imported = null;
                vm.LastIntrospection = _time.GetUtcNow();
                if (delta.Appeared.Count > 0 || delta.Gone.Count > 0)
                {
                    _observer.VerdictsChanged(vm.Name, descriptor.Tenant, delta.Appeared, delta.Gone);
                }

                if (delta.NewlyDiscarded.Count > 0)
                {
                    _observer.SocketsDiscarded(vm.Name, descriptor.Tenant, delta.NewlyDiscarded);
                }

                var grants = Grants(vm, report);
                if (stage)
                {
                    await StageAsync(vm, grants, budget.Token).ConfigureAwait(false);
                }
                else if (!GrantSetEquality.Equal(grants, vm.Enforced))
                {
                    await EnforceAsync(vm, grants, stage: false, budget.Token).ConfigureAwait(false);
                }

                if (vm.Failures > 0)
                {
                    _observer.Note(NoteLevel.Information, vm.Name, $"introspection works again after {vm.Failures} failed cycles");
                }

                vm.Failures = 0;
                vm.LastError = null;
                return _scheduler.Now + PeriodOf(vm);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                var error = e is OperationCanceledException ? new TimeoutException($"the cycle took longer than {_options.CycleDeadline.TotalSeconds:0.###} s", e) : e;
                vm.Failures++;
                vm.LastError = error.Message;
                await CloseChannelAsync(vm).ConfigureAwait(false);
                var retryIn = Backoff(vm.Failures);
                _observer.CycleFailed(vm.Name, descriptor.Tenant, error, vm.Failures, retryIn);
                return _scheduler.Now + retryIn;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return TimeSpan.MaxValue;
        }
        finally
        {
            vm.Gate.Release();
        }
    }

    private VerdictEngine Decide(ProtectedVm vm, VmDescriptor descriptor)
    {
        var whitelist = _whitelists.TryGet(descriptor.Tenant, out var found)
            ? found
            : new TenantWhitelist(descriptor.Tenant, "(no whitelist)", []);
        if (!ReferenceEquals(whitelist, vm.CompiledFrom) || vm.Verdicts is null)
        {
            vm.Verdicts = new VerdictEngine(whitelist, vm.Name);
            vm.CompiledFrom = whitelist;
        }

        return vm.Verdicts;
    }

    /// <summary>The VM's grants from a report; without one, an imported hand-off's grants, else default deny. A VM
    /// without a descriptor has no addresses of its own, so even its address configuration is dropped.</summary>
    private static GrantSet Grants(ProtectedVm vm, VerdictReport? report)
    {
        var binding = vm.Binding ?? throw new InvalidOperationException($"VM {vm.Name} has no port");
        var mac = binding.Mac ?? throw new InvalidOperationException($"VM {vm.Name}: its port {binding.InterfaceName} has no MAC");
        var port = new VmPort(vm.Name, binding.OfPort, mac, vm.Descriptor?.Addresses ?? [], checked((ushort)binding.OfPort), RuleCookie.ForVm(vm.Name));
        if (vm.Descriptor is null)
        {
            return new GrantSet(port, [], []);
        }

        if (report is not null)
        {
            return GrantBuilder.Build(port, report);
        }

        return vm.Imported is { } imported ? new GrantSet(port, imported.Inbound, imported.Outbound) : new GrantSet(port, [], []);
    }

    private async Task StageAsync(ProtectedVm vm, GrantSet grants, CancellationToken cancellationToken)
    {
        foreach (var point in _points)
        {
            await point.StageAsync(grants, cancellationToken).ConfigureAwait(false);
        }

        vm.Enforced = grants;
    }

    private async Task EnforceAsync(ProtectedVm vm, GrantSet grants, bool stage, CancellationToken cancellationToken)
    {
        if (stage || !_started)
        {
            await StageAsync(vm, grants, cancellationToken).ConfigureAwait(false);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(_points.Select(async point =>
        {
            try
            {
                return await point.EnforceAsync(grants, cancellationToken).ConfigureAwait(false) ? null : point.Name;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _observer.Note(NoteLevel.Error, vm.Name, $"{point.Name}: {e.Message}");
                return point.Name;
            }
        })).ConfigureAwait(false);
        var refused = results.OfType<string>().ToList();
        vm.Enforced = refused.Count == 0 ? grants : null;
        _observer.RulesEnforced(vm.Name, grants, Stopwatch.GetElapsedTime(started), refused);
    }

    private async Task BindAsync(VmPortBinding binding, CancellationToken cancellationToken)
    {
        ProtectedVm vm;
        lock (_lock)
        {
            vm = GetOrAdd(binding.Vm);
        }

        await vm.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (vm.Binding is { } other && other.Nic != binding.Nic)
            {
                _observer.Note(NoteLevel.Error, vm.Name,
                    $"a second NIC ({binding}) is not protected: one NIC per VM is supported, the VM keeps {other}");
                return;
            }

            if (binding.Mac is null)
            {
                _observer.Note(NoteLevel.Error, vm.Name, $"{binding} has no MAC in the switch's database: nothing can be allowed");
                return;
            }

            vm.Binding = binding;
            if (vm.Imported is not null && vm.Report is null)
            {
                // The guest is still arriving on this port: it is read one period from now, its imported grants meanwhile.
                vm.NotBefore = _scheduler.Now + PeriodOf(vm);
            }

            if (_started)
            {
                // Default deny (or the last verdicts, or the imported grants, on the new port) before anything else: the
                // first connection must wait for the first introspection.
                await EnforceAsync(vm, Grants(vm, vm.Report), stage: false, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            vm.Gate.Release();
        }

        lock (_lock)
        {
            if (_started)
            {
                _scheduler.Schedule(vm.Name, vm.NotBefore > _scheduler.Now ? vm.NotBefore : _scheduler.Now);
            }
        }
    }

    private async Task UnbindAsync(VmPortBinding binding, CancellationToken cancellationToken)
    {
        ProtectedVm? vm;
        lock (_lock)
        {
            _vms.TryGetValue(binding.Vm, out vm);
        }

        if (vm is null)
        {
            return;
        }

        await vm.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (vm.Binding is not { } current || current.Nic != binding.Nic)
            {
                return;
            }

            var port = Grants(vm, report: null).Vm;
            vm.Binding = null;
            vm.Enforced = null;
            vm.Report = null;
            // An exported VM has left; an imported one that leaves before its first cycle takes its hand-off along.
            vm.Exported = null;
            vm.Released = false;
            vm.Imported = null;
            vm.NotBefore = TimeSpan.MinValue;
            await CloseChannelAsync(vm).ConfigureAwait(false);
            await WithdrawAsync(vm, port, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            vm.Gate.Release();
        }

        Forget(vm);
    }

    private async Task WithdrawAsync(ProtectedVm vm, VmPort port, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_points.Select(async point =>
        {
            try
            {
                await point.WithdrawAsync(port, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _observer.Note(NoteLevel.Error, vm.Name, $"{point.Name}: could not withdraw the rules: {e.Message}");
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Drops a VM that has neither a port nor a descriptor left.</summary>
    private void Forget(ProtectedVm vm)
    {
        lock (_lock)
        {
            if (vm.Binding is null && vm.Descriptor is null && _vms.Remove(vm.Name))
            {
                _scheduler.Remove(vm.Name);
            }
        }
    }

    private ProtectedVm GetOrAdd(string name)
    {
        if (!_vms.TryGetValue(name, out var vm))
        {
            vm = new ProtectedVm(name);
            _vms.Add(name, vm);
            if (_started)
            {
                _scheduler.Schedule(name, _scheduler.Now);
            }
        }

        return vm;
    }

    private TimeSpan PeriodOf(ProtectedVm vm) => vm.PeriodOverride ?? vm.Descriptor?.Period ?? _options.Period;

    private TimeSpan Backoff(int failures)
    {
        var wait = _options.BackoffInitial * Math.Pow(2, Math.Min(failures - 1, 30));
        return wait < _options.BackoffMax ? wait : _options.BackoffMax;
    }

    private async Task CloseChannelAsync(ProtectedVm vm)
    {
        if (vm.Channel is { } channel)
        {
            vm.Channel = null;
            try
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _observer.Note(NoteLevel.Warning, vm.Name, $"closing its guest channel failed: {e.Message}");
            }
        }
    }

    private VmStatus StatusOf(ProtectedVm vm)
    {
        var imported = vm.Imported is not null && vm.Report is null;
        var state = vm.Exported is not null ? VmState.Exported
            : vm.Binding is null ? imported ? VmState.Imported : VmState.NoPort
            : vm.Descriptor is null ? VmState.NoDescriptor
            : vm.Failures > 0 ? VmState.Failing
            : imported ? VmState.Imported
            : vm.Report is null ? VmState.Starting
            : VmState.Protected;
        return new VmStatus(vm.Name, vm.Descriptor?.Tenant, vm.Binding?.OfPort, PeriodOf(vm), state, vm.LastIntrospection,
            vm.Failures, vm.LastError, vm.Report, vm.Enforced);
    }
}
