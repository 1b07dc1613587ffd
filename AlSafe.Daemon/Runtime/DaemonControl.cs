using System.Diagnostics;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Daemon.Control;

namespace AlSafe.Daemon.Runtime;

/// <summary>The running daemon behind the control API: the engine's view of its VMs, reload and period changes.</summary>
internal sealed class DaemonControl(AdaptationEngine engine, Func<string?> lastError, Func<string?> reload, TimeSpan minPeriod, TimeSpan maxPeriod)
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

    /// <summary>Tells the bus's listeners of a verdict that changed.</summary>
    public void Publish(string vm, Verdict verdict) => VerdictChanged?.Invoke(this, new VerdictChangedEventArgs(vm, ConnectionVerdicts.Of(verdict)));

    public static string StateName(VmState state) => state switch
    {
        VmState.NoPort => "no-port",
        VmState.NoDescriptor => "no-descriptor",
        VmState.Starting => "starting",
        VmState.Protected => "protected",
        VmState.Failing => "failing",
        _ => state.ToString(),
    };
}
