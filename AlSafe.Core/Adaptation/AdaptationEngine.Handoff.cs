using AlSafe.Core.Adaptation.Handoff;

namespace AlSafe.Core.Adaptation;

/// <summary>The live-migration hand-off: the source stops reading a VM and hands its last valid state to the
/// destination, which enforces the VM's grants from the moment its port appears there.</summary>
public sealed partial class AdaptationEngine
{
    /// <summary>
    /// Stops introspecting the VM (its guest channel is closed, so its QMP socket and memory are free for the
    /// migration) and returns its hand-off. Its rules stay in force, so the VM keeps working until it has left: its port
    /// going away, or <see cref="ReleaseAsync"/>, withdraws them; <see cref="ResumeAsync"/> cancels the export. Exporting
    /// an exported VM again returns its hand-off with a new export time.
    /// </summary>
    /// <param name="sourceNode">This node's name, recorded in the hand-off.</param>
    /// <exception cref="HandoffException">The VM is unknown, or there is no valid state to send.</exception>
    public async Task<VmHandoff> ExportAsync(string vm, string sourceNode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceNode);
        var state = Known(vm);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (state.Exported is { } exported)
            {
                state.Exported = exported with { ExportedAt = now };
                return state.Exported;
            }

            if (state.Binding is null || state.Descriptor is not { } descriptor)
            {
                throw new HandoffException(HandoffRefusal.NoValidState,
                    $"VM {vm} {(state.Binding is null ? "has no port on this node" : "has no descriptor on this node")}: there is no valid state to hand off");
            }

            var report = state.Report;
            var imported = state.Imported;
            if (report is null && imported is null)
            {
                throw new HandoffException(HandoffRefusal.NoValidState,
                    $"VM {vm} has never been introspected successfully on this node: there is no valid state to hand off");
            }

            var grants = Grants(state, report);
            var handoff = new VmHandoff(vm, descriptor.Tenant, descriptor.Addresses, PeriodOf(state), sourceNode, now,
                report is null ? imported!.LastIntrospection : state.LastIntrospection ?? now,
                report is null ? imported!.Connections : [.. report.Verdicts.Select(HandoffConnection.Of)],
                grants.Inbound, grants.Outbound);
            state.Exported = handoff;
            await CloseChannelAsync(state).ConfigureAwait(false);
            _observer.Note(NoteLevel.Information, vm,
                $"exported for migration: introspection stopped; its {grants.Inbound.Count} inbound and {grants.Outbound.Count} " +
                "outbound grants stay until it leaves");
            return handoff;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Takes a hand-off whose integrity was checked: it must match this node's descriptor of the VM (tenant and
    /// addresses). When the VM's port is here its grants are installed at once, else they are its first rules when the
    /// port appears; its first introspection runs one hand-off period after that, and until it succeeds the grants stay.
    /// </summary>
    /// <returns>True when the port is here and the grants were installed now; false when they wait for the port.</returns>
    /// <exception cref="HandoffException">The hand-off does not fit this node (<see cref="HandoffException.Reason"/>).</exception>
    public async Task<bool> ImportAsync(VmHandoff handoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        ProtectedVm? vm;
        lock (_lock)
        {
            _vms.TryGetValue(handoff.Vm, out vm);
        }

        if (vm is null)
        {
            throw NoDescriptor(handoff.Vm);
        }

        await vm.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var descriptor = vm.Descriptor ?? throw NoDescriptor(handoff.Vm);
            if (Mismatch(descriptor, handoff) is { } mismatch)
            {
                throw new HandoffException(HandoffRefusal.DescriptorMismatch, $"VM {handoff.Vm}: {mismatch}");
            }

            if (vm.Report is not null || vm.Exported is not null)
            {
                throw new HandoffException(HandoffRefusal.Conflict,
                    $"VM {handoff.Vm} is introspected on this node already: its own verdicts are newer than any hand-off");
            }

            if (vm.LastImportedExport is { } last && handoff.ExportedAt <= last)
            {
                throw new HandoffException(HandoffRefusal.Conflict,
                    $"VM {handoff.Vm}: a hand-off exported at {last:O} was imported already; this one, of {handoff.ExportedAt:O}, is not newer");
            }

            vm.Imported = handoff;
            vm.LastImportedExport = handoff.ExportedAt;
            vm.PeriodOverride = handoff.Period;
            vm.Failures = 0;
            vm.LastError = null;
            var present = vm.Binding is not null;
            if (present)
            {
                vm.NotBefore = _scheduler.Now + handoff.Period;
                await CloseChannelAsync(vm).ConfigureAwait(false);
                await EnforceAsync(vm, Grants(vm, report: null), stage: false, cancellationToken).ConfigureAwait(false);
            }

            _observer.Note(NoteLevel.Information, vm.Name,
                $"imported from node {handoff.SourceNode} (exported {handoff.ExportedAt:O}): {handoff.Inbound.Count} inbound and " +
                $"{handoff.Outbound.Count} outbound grants {(present ? "installed on its port" : "wait for its port")}; " +
                $"introspection every {handoff.Period.TotalSeconds:0.###} s, the first one period after its port is here");
            if (present)
            {
                lock (_lock)
                {
                    _scheduler.Schedule(vm.Name, vm.NotBefore);
                }
            }

            return present;
        }
        finally
        {
            vm.Gate.Release();
        }
    }

    /// <summary>Withdraws an exported VM's rules from every enforcement point now, as its port's removal would (for a
    /// port that outlives the VM); the VM stays exported until its port goes or <see cref="ResumeAsync"/>.</summary>
    /// <exception cref="HandoffException">The VM is unknown or not exported.</exception>
    public async Task ReleaseAsync(string vm, CancellationToken cancellationToken)
    {
        var state = Known(vm);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (state.Exported is null || state.Binding is null)
            {
                throw NotExported(vm, "release");
            }

            if (!state.Released)
            {
                var port = Grants(state, report: null).Vm;
                state.Released = true;
                state.Enforced = null;
                await WithdrawAsync(state, port, cancellationToken).ConfigureAwait(false);
            }

            _observer.Note(NoteLevel.Information, vm, "released: the exported VM's rules are withdrawn from this node");
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Cancels an export (the migration failed): introspection resumes at once, the rules stay as they were
    /// (a released VM gets them back).</summary>
    /// <exception cref="HandoffException">The VM is unknown or not exported.</exception>
    public async Task ResumeAsync(string vm, CancellationToken cancellationToken)
    {
        var state = Known(vm);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (state.Exported is null)
            {
                throw NotExported(vm, "resume");
            }

            state.Exported = null;
            if (state.Released && state.Binding is not null)
            {
                state.Released = false;
                await EnforceAsync(state, Grants(state, state.Report), stage: false, cancellationToken).ConfigureAwait(false);
            }

            _observer.Note(NoteLevel.Information, vm, "export cancelled: introspection resumes, its rules are unchanged");
        }
        finally
        {
            state.Gate.Release();
        }

        lock (_lock)
        {
            if (_started)
            {
                _scheduler.Schedule(vm, _scheduler.Now);
            }
        }
    }

    /// <summary>Why a hand-off does not fit the VM's descriptor on this node, or null when it does.</summary>
    private static string? Mismatch(VmDescriptor descriptor, VmHandoff handoff)
    {
        if (descriptor.Tenant != handoff.Tenant)
        {
            return $"the hand-off is of tenant {handoff.Tenant}, this node's descriptor {descriptor.SourcePath} says {descriptor.Tenant}";
        }

        if (!descriptor.Addresses.ToHashSet().SetEquals(handoff.Addresses) || descriptor.Addresses.Count != handoff.Addresses.Count)
        {
            return $"the hand-off's addresses ({string.Join(", ", handoff.Addresses)}) are not those of this node's descriptor " +
                   $"{descriptor.SourcePath} ({string.Join(", ", descriptor.Addresses)})";
        }

        // A grant for an address the VM does not own would open another VM's traffic.
        var foreign = handoff.Inbound.Select(grant => grant.VmAddress).Concat(handoff.Outbound.Select(grant => grant.VmAddress))
            .FirstOrDefault(address => !descriptor.Addresses.Contains(address));
        return foreign is null ? null : $"the hand-off has a grant for {foreign}, which is not one of the VM's addresses";
    }

    private ProtectedVm Known(string vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        lock (_lock)
        {
            return _vms.TryGetValue(vm, out var state)
                ? state
                : throw new HandoffException(HandoffRefusal.UnknownVm, $"no VM named '{vm}' on this node");
        }
    }

    private static HandoffException NoDescriptor(string vm) =>
        new(HandoffRefusal.NoDescriptor,
            $"VM {vm} has no descriptor on this node: its orchestrator writes vms.d/{vm}.conf (memory file, QMP socket) before the import");

    private static HandoffException NotExported(string vm, string step) =>
        new(HandoffRefusal.NotExported, $"VM {vm} is not exported: there is nothing to {step} (alsafe vm export comes first)");
}
