using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Edge;
using AlSafe.Interop.Edge;

namespace AlSafe.Daemon.Enforcement;

/// <summary>The edge host as an enforcement point: grants become the VM's nft set elements, written over the node's
/// one SSH connection.</summary>
internal sealed class EdgeEnforcement(EdgeFirewall firewall, TimeSpan firstSyncWait, Action<string> log) : IEnforcementPoint
{
    public string Name => "edge";

    // Before Start the firewall only records what it wants; the first resynchronisation writes all of it at once.
    public async Task StageAsync(GrantSet grants, CancellationToken cancellationToken) =>
        await firewall.ApplyAsync(EdgePlanner.Plan(grants), cancellationToken).ConfigureAwait(false);

    /// <summary>Starts and waits a bounded time for the edge: a node whose edge is down still protects at its switch,
    /// and the edge firewall keeps reconnecting in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        firewall.Start();
        try
        {
            await firewall.WaitForSynchronizationAsync(cancellationToken).WaitAsync(firstSyncWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log($"the edge is not synchronized after {firstSyncWait.TotalSeconds:0} s; it keeps being retried");
        }
    }

    public async Task<bool> EnforceAsync(GrantSet grants, CancellationToken cancellationToken)
    {
        var result = await firewall.ApplyAsync(EdgePlanner.Plan(grants), cancellationToken).ConfigureAwait(false);
        if (result.Outcome == EdgeUpdateOutcome.Refused)
        {
            log($"VM {grants.Vm.Name}: the edge refused the update, its previous elements stay: {result.Error}");
            return false;
        }

        return true;
    }

    public async Task WithdrawAsync(VmPort vm, CancellationToken cancellationToken) =>
        await firewall.RemoveAsync(vm.Name, cancellationToken).ConfigureAwait(false);
}
