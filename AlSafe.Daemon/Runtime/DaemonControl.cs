using System.Diagnostics;
using System.Text;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Adaptation.Handoff;
using AlSafe.Core.Decisions;
using AlSafe.Daemon.Configuration;
using AlSafe.Daemon.Control;

namespace AlSafe.Daemon.Runtime;

/// <summary>The running daemon behind the control API: the engine's view of its VMs, reload and period changes, and
/// the live-migration hand-off (sealed and checked with the [migration] key).</summary>
/// <param name="node">This node's name, recorded in the hand-offs it exports.</param>
/// <param name="migration">Null when alsafe.conf has no [migration] section: hand-offs are refused.</param>
/// <param name="note">Writes one journal line, with the VM's field when one is named.</param>
internal sealed class DaemonControl(
    AdaptationEngine engine,
    Func<string?> lastError,
    Func<string?> reload,
    TimeSpan minPeriod,
    TimeSpan maxPeriod,
    string node,
    MigrationSettings? migration,
    bool trustedFilesOnly,
    Action<NoteLevel, string?, string> note,
    CancellationToken stopping)
    : IAlSafeControl
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public event EventHandler<VerdictChangedEventArgs>? VerdictChanged;

    public DaemonStatus GetStatus() => new(
        typeof(DaemonControl).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        Stopwatch.GetElapsedTime(_started),
        engine.Status().Count,
        lastError());

    public IReadOnlyList<VmSummary> ListVms() =>
        [.. engine.Status().Select(vm => new VmSummary(
            vm.Name,
            vm.Tenant ?? "",
            (uint)Math.Round(vm.Period.TotalSeconds),
            StateName(vm.State),
            vm.LastIntrospection,
            (uint)vm.Allowed,
            (uint)vm.Blocked))];

    public IReadOnlyList<ConnectionVerdict> GetConnections(string vm)
    {
        var status = engine.Status(vm) ?? throw new ControlException(ControlError.UnknownVm, $"no VM named '{vm}' on this node");
        return [.. (status.Report?.Verdicts ?? []).Select(ConnectionVerdicts.Of)];
    }

    public void Reload()
    {
        if (reload() is { } error)
        {
            throw new ControlException(ControlError.Failed, error);
        }
    }

    public void SetPeriod(string vm, uint seconds)
    {
        var period = TimeSpan.FromSeconds(seconds);
        if (period < minPeriod || period > maxPeriod)
        {
            throw new ControlException(ControlError.InvalidArgument,
                $"period {seconds} s is outside this node's range {minPeriod.TotalSeconds:0}-{maxPeriod.TotalSeconds:0} s");
        }

        if (!engine.SetPeriod(vm, period))
        {
            throw new ControlException(ControlError.UnknownVm, $"no VM named '{vm}' on this node");
        }
    }

    public Task<string> ExportVmAsync(string vm) => Handoff(vm, async () =>
    {
        var key = Key();
        var handoff = await engine.ExportAsync(vm, node, stopping).ConfigureAwait(false);
        return Encoding.UTF8.GetString(HandoffEnvelope.Seal(handoff, key));
    });

    public Task<string> ImportVmAsync(string handoff) => Handoff(null, async () =>
    {
        var file = Encoding.UTF8.GetBytes(handoff);
        var opened = HandoffEnvelope.Open(file, Key(), DateTimeOffset.UtcNow, migration!.MaxAge);
        try
        {
            var installed = await engine.ImportAsync(opened, stopping).ConfigureAwait(false);
            return $"{opened.Vm}: imported from {opened.SourceNode}, {opened.Inbound.Count} inbound and {opened.Outbound.Count} outbound grants " +
                   (installed ? "installed on its port" : "waiting for its port");
        }
        catch (HandoffException e) when (e.Vm is null)
        {
            throw new HandoffException(e.Reason, e.Message, e) { Vm = opened.Vm };
        }
    });

    public Task ReleaseVmAsync(string vm) => Handoff(vm, async () =>
    {
        await engine.ReleaseAsync(vm, stopping).ConfigureAwait(false);
        return vm;
    });

    public Task ResumeVmAsync(string vm) => Handoff(vm, async () =>
    {
        await engine.ResumeAsync(vm, stopping).ConfigureAwait(false);
        return vm;
    });

    /// <summary>Tells the bus's listeners of a verdict that changed.</summary>
    public void Publish(string vm, Verdict verdict) => VerdictChanged?.Invoke(this, new VerdictChangedEventArgs(vm, ConnectionVerdicts.Of(verdict)));

    public static string StateName(VmState state) => state switch
    {
        VmState.NoPort => "no-port",
        VmState.NoDescriptor => "no-descriptor",
        VmState.Starting => "starting",
        VmState.Protected => "protected",
        VmState.Failing => "failing",
        VmState.Exported => "exported",
        VmState.Imported => "imported",
        _ => state.ToString(),
    };

    private byte[] Key() => migration is null
        ? throw new HandoffException(HandoffRefusal.NoKey,
            "this node has no [migration] section in alsafe.conf: VM hand-offs are refused without the key the nodes share")
        : MigrationKeyFile.Load(migration.Key, trustedFilesOnly);

    /// <summary>Runs one hand-off step; a refusal is one journal line and a <see cref="ControlError.Refused"/> (or
    /// <see cref="ControlError.UnknownVm"/>) for the caller.</summary>
    private async Task<string> Handoff(string? vm, Func<Task<string>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (HandoffException e)
        {
            var suspicious = e.Reason is HandoffRefusal.IntegrityFailed or HandoffRefusal.TooOld or HandoffRefusal.Malformed
                or HandoffRefusal.UnsupportedVersion or HandoffRefusal.DescriptorMismatch;
            note(suspicious ? NoteLevel.Error : NoteLevel.Warning, e.Vm ?? vm, $"hand-off refused: {e.Message}");
            throw new ControlException(e.Reason == HandoffRefusal.UnknownVm ? ControlError.UnknownVm : ControlError.Refused, e.Message, e);
        }
        catch (OperationCanceledException e) when (stopping.IsCancellationRequested)
        {
            throw new ControlException(ControlError.Failed, "the daemon is stopping", e);
        }
    }
}
