using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;
using AlSafe.Interop.Switch;

namespace AlSafe.Daemon.Enforcement;

/// <summary>The node's Open vSwitch as an enforcement point: grants become a <see cref="FlowPlan"/> under the VM's
/// cookie, pushed as one bundle.</summary>
internal sealed class SwitchEnforcement(SwitchFirewall firewall, Action<string> log) : IEnforcementPoint
{
    public string Name => "switch";

    public Task StageAsync(GrantSet grants, CancellationToken cancellationToken)
    {
        firewall.Stage(FlowPlanner.Plan(grants));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => firewall.StartAsync(cancellationToken);

    public async Task<bool> EnforceAsync(GrantSet grants, CancellationToken cancellationToken)
    {
        try
        {
            await firewall.ApplyAsync(FlowPlanner.Plan(grants), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OpenFlowBundleException e)
        {
            log($"VM {grants.Vm.Name}: the switch refused the plan, its previous flows stay: {e.Message}");
            return false;
        }
        catch (OpenFlowException e)
        {
            // Not connected: the plan is the desired state and the resynchronisation after reconnecting installs it.
            log($"VM {grants.Vm.Name}: the switch is not reachable, the plan waits for the reconnection: {e.Message}");
            return true;
        }
    }

    public async Task WithdrawAsync(VmPort vm, CancellationToken cancellationToken)
    {
        try
        {
            await firewall.RemoveAsync(vm.Cookie, cancellationToken).ConfigureAwait(false);
        }
        catch (OpenFlowException e)
        {
            log($"VM {vm.Name}: the switch is not reachable, its flows go at the reconnection: {e.Message}");
        }
    }
}
