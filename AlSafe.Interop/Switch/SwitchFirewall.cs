using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

/// <summary>
/// The enforcement point on a node's Open vSwitch bridge: holds the desired flows of every protected VM (one
/// <see cref="FlowPlan"/> per cookie) and of the bridge-wide base plan, and keeps the switch's table equal to them over
/// the native OpenFlow connection, through switch restarts and against changes made by others.
/// </summary>
/// <remarks>
/// Every change is one atomic OpenFlow bundle, so a VM's old and new flows never coexist half-way and a refused flow
/// leaves the table as it was. Changes, reconciliations and resynchronisations are serialised. When the connection
/// is lost (ovs-vswitchd restarted: its table comes back empty) the firewall reconnects with backoff, makes the bridge
/// fail_mode=secure if it has the database, installs the base plan and every VM's plan in one bundle, and reads the
/// table back. Flows under cookies outside <see cref="RuleCookie"/>'s namespace are never touched. With the database,
/// every VM port a plan guards is also marked protected there before its flows go in, so that NORMAL, where a VM's
/// egress ends, never forwards or floods between two protected VMs' ports. On every connection it also asks the switch
/// for the packet-ins of the plans' reports of new connections, and installs the meter they pass
/// (<see cref="NewConnectionSeen"/>).
/// </remarks>
public sealed partial class SwitchFirewall : IAsyncDisposable
{
    private readonly SwitchFirewallOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EncodedPlan _base = EncodedPlan.Of(FlowPlanner.BasePlan());
    private readonly CancellationTokenSource _stop = new();

    // Guarded by _gate. _onSwitch: what the table is known to hold per cookie (cleared when that is in doubt);
    // _lastAccepted: the last plan the switch took per VM, the fallback when a newer one is refused.
    private readonly Dictionary<ulong, EncodedPlan> _desired = [];
    private readonly Dictionary<ulong, EncodedPlan> _onSwitch = [];
    private readonly Dictionary<ulong, EncodedPlan> _lastAccepted = [];

    // Guarded by _gate: per ofport of a desired plan, the Port row marked protected in the switch's database, null when
    // no interface had the ofport at the last look; an ofport no desired plan guards any more is unmarked and forgotten.
    private readonly Dictionary<uint, Guid?> _portRows = [];

    private SwitchLink? _link;
    private Task _supervisor = Task.CompletedTask;
    private int _started;
    private int _disposed;
    private int _resynchronizations;

    public SwitchFirewall(SwitchFirewallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Raised after each full resynchronisation (the first connection, every reconnection, a fail_mode
    /// repair, <see cref="ResynchronizeAsync"/>) has installed every plan and read the table back. Handlers run on the
    /// firewall's own task and must return quickly.</summary>
    public event EventHandler? Resynchronized;

    /// <summary>
    /// Raised for each report of a new connection that no grant of a VM allowed (see
    /// <see cref="FlowPlannerOptions.ReportNewConnections"/>), so the caller can introspect that VM at once instead of
    /// at its next period; it maps <see cref="NewConnection.VmCookie"/> to the VM. The packet itself was dropped, and
    /// the report is only a hint: what may pass still comes from the VM's memory. Reports are limited on the switch by
    /// the bridge's meter (<see cref="SwitchFirewallOptions.ReportRate"/>), and a client's retransmissions report its
    /// connection again, so the caller debounces per VM. Handlers run one at a time on the firewall's own task and must
    /// return quickly: while one runs, further reports wait in a bounded buffer that drops the oldest.
    /// </summary>
    public event EventHandler<NewConnection>? NewConnectionSeen;

    /// <summary>Whether the OpenFlow connection to the switch is up.</summary>
    public bool IsConnected => Volatile.Read(ref _link) is { Connection.IsConnected: true };

    /// <summary>How many full resynchronisations have completed.</summary>
    public int Resynchronizations => Volatile.Read(ref _resynchronizations);

    /// <summary>
    /// Connects and installs the base plan and every plan applied or staged so far in one bundle, then keeps the switch
    /// in line in the background. When the first attempt fails (the switch is not there yet) this returns anyway and the firewall
    /// keeps trying with backoff; <see cref="IsConnected"/> and <see cref="Resynchronized"/> tell when it succeeded.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the switch firewall is already started");
        }

        await TryConnectAsync(ct).ConfigureAwait(false);
        _supervisor = Task.Run(() => SuperviseAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Makes <paramref name="plan"/> the desired state of its VM (its cookie) without touching the switch: a daemon
    /// starting up stages every VM's first plan and then calls <see cref="StartAsync"/>, whose first resynchronisation
    /// swaps the switch's AL-SAFE flows for the base plan and every staged plan in one bundle, so no VM is left
    /// unprotected, nor are the flows a previous daemon left wiped, while the VMs are introspected one by one.
    /// </summary>
    /// <remarks>
    /// Staged after the start, the plan reaches the switch at the next reconciliation or resynchronisation, or with the
    /// VM's next <see cref="ApplyAsync"/>. It waits for a change in progress to finish (blocking the caller), since the
    /// desired state is what every change reads.
    /// </remarks>
    /// <exception cref="ArgumentException">The plan's cookie is not a VM cookie, or a flow cannot be expressed in
    /// OpenFlow; the desired state is unchanged.</exception>
    public void Stage(FlowPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RequireVmCookie(plan.Cookie);
        var encoded = EncodedPlan.Of(plan);
        _gate.Wait();
        try
        {
            _desired[plan.Cookie] = encoded;
        }
        finally
        {
            _gate.Release();
        }

        Log($"VM cookie 0x{plan.Cookie:x}: staged {encoded.Adds.Count} flows for the next synchronisation");
    }

    /// <summary>
    /// Makes <paramref name="plan"/> the desired state of its VM (its cookie) and pushes it in one atomic bundle: only
    /// the difference (strict deletes under the exact cookie, adds) when the switch is known to hold the previous plan,
    /// otherwise a delete of everything under the cookie followed by every flow. With the database, the VM's port is
    /// first marked protected there (looked up every time: a re-created port is a new, unmarked row).
    /// </summary>
    /// <remarks>
    /// A VM port that is known but not introspected yet must get <c>FlowPlanner.Plan</c> of an empty grant set
    /// (default deny): a VM without any plan has no flows, and the base plan then switches its traffic normally.
    /// </remarks>
    /// <exception cref="ArgumentException">The plan's cookie is not a VM cookie, or a flow cannot be expressed in
    /// OpenFlow; the desired state is unchanged.</exception>
    /// <exception cref="OpenFlowBundleException">The switch refused a flow (decoded error, index and flow); its table is
    /// unchanged. The plan stays desired and the next reconciliation retries it.</exception>
    /// <exception cref="OpenFlowException">Not connected, or the connection ended; the plan stays desired and is
    /// installed by the resynchronisation that follows the reconnection.</exception>
    /// <exception cref="TimeoutException">The switch did not answer in time; what it holds is read back later.</exception>
    public async Task ApplyAsync(FlowPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        RequireVmCookie(plan.Cookie);
        // Encoding first: a plan that cannot be sent must never become the desired state.
        var encoded = EncodedPlan.Of(plan);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _desired[plan.Cookie] = encoded;
            var connection = RequireConnection($"install the plan of VM cookie 0x{plan.Cookie:x}");
            await ProtectPortsLockedAsync([encoded], ct).ConfigureAwait(false);
            if (_onSwitch.TryGetValue(plan.Cookie, out var previous))
            {
                var diff = FlowPlanDiff.Compute(previous.Plan, plan);
                if (diff.IsEmpty)
                {
                    return;
                }

                await CommitAsync(connection, plan.Cookie, encoded,
                    [.. diff.Removed.Select(FlowModMapper.ToDeleteStrict), .. diff.Added.Select(FlowModMapper.ToFlowMod)],
                    $"-{diff.Removed.Count} +{diff.Added.Count} flows", ct).ConfigureAwait(false);
            }
            else
            {
                await CommitAsync(connection, plan.Cookie, encoded, [FlowMod.DeleteByCookie(plan.Cookie), .. encoded.Adds],
                    $"replaced by {encoded.Adds.Count} flows", ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The VM is gone (deleted, or migrated away): every flow under its cookie is deleted, atomically; then,
    /// with the database, its port is unmarked if it is still there and no other desired plan guards it.</summary>
    /// <exception cref="OpenFlowException">Not connected or the connection ended; the VM is no longer desired, so the
    /// resynchronisation after the reconnection leaves its flows out.</exception>
    public async Task RemoveAsync(ulong cookie, CancellationToken ct)
    {
        RequireVmCookie(cookie);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _desired.Remove(cookie);
            var connection = RequireConnection($"remove the flows of VM cookie 0x{cookie:x}");
            await CommitAsync(connection, cookie, null, [FlowMod.DeleteByCookie(cookie)], "removed", ct).ConfigureAwait(false);
            await ProtectPortsLockedAsync([], ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reads the whole table back and repairs it owner by owner (one bundle each): flows of a desired plan that are
    /// missing are added, flows under an AL-SAFE cookie that no desired plan has are deleted (all of them for a cookie
    /// no longer protected). Flows under other cookies are counted, never touched. With the database, every desired
    /// plan's port is marked protected again first (ports may have been re-created).
    /// </summary>
    /// <exception cref="OpenFlowException">Not connected, or the connection ended.</exception>
    public async Task<ReconcileReport> ReconcileAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var connection = RequireConnection("reconcile");
            await ProtectPortsLockedAsync(_desired.Values, ct).ConfigureAwait(false);
            return await ReconcileLockedAsync(connection, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces every AL-SAFE flow with the base plan and every desired plan in one bundle, as after a
    /// reconnection, and reads the table back; with the database, every desired plan's port is marked protected first.</summary>
    /// <exception cref="OpenFlowException">Not connected, the connection ended, or the switch refused the base plan.</exception>
    public async Task ResynchronizeAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var connection = RequireConnection("resynchronise");
            await ProtectPortsLockedAsync(_desired.Values, ct).ConfigureAwait(false);
            await ResynchronizeLockedAsync(connection, ct).ConfigureAwait(false);
            await ReconcileLockedAsync(connection, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        OnResynchronized();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        var link = _link;
        Volatile.Write(ref _link, null);
        _gate.Release();
        if (link is not null)
        {
            await link.Connection.DisposeAsync().ConfigureAwait(false);
            await link.Lost.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private static void RequireVmCookie(ulong cookie)
    {
        if (!RuleCookie.IsVmCookie(cookie))
        {
            throw new ArgumentException($"0x{cookie:x} is not an AL-SAFE VM cookie: the base plan and foreign cookies are not the caller's", nameof(cookie));
        }
    }

    private OpenFlowConnection RequireConnection(string what) =>
        Volatile.Read(ref _link) is { Connection: { IsConnected: true } connection }
            ? connection
            : throw new OpenFlowException(OpenFlowFailure.ConnectionLost,
                $"switch {_options.Bridge}: cannot {what}: not connected; the desired state is kept for the next resynchronisation");

    /// <summary>Sends one bundle for one owner and records what the switch now holds: the plan when it committed,
    /// the old state when it refused (a refused bundle changes nothing), nothing known when the outcome is unknown.</summary>
    private async Task CommitAsync(OpenFlowConnection connection, ulong cookie, EncodedPlan? plan, IReadOnlyList<FlowMod> mods, string what,
        CancellationToken ct)
    {
        try
        {
            await connection.ApplyBundleAsync(mods, ct).ConfigureAwait(false);
        }
        catch (OpenFlowBundleException e)
        {
            Log($"VM cookie 0x{cookie:x}: the switch refused the change ({what}), its flows stay as they were: {e.Message}");
            throw;
        }
        catch
        {
            _onSwitch.Remove(cookie);
            throw;
        }

        if (plan is null)
        {
            _onSwitch.Remove(cookie);
            _lastAccepted.Remove(cookie);
        }
        else
        {
            _onSwitch[cookie] = plan;
            _lastAccepted[cookie] = plan;
        }

        Log($"VM cookie 0x{cookie:x}: {what}");
    }

    private void Log(string line) => _options.Log?.Invoke($"switch {_options.Bridge}: {line}");
}
