using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// Where a VM's grants become rules: the node's switch or the edge host. Both points read the same
/// <see cref="GrantSet"/>, so they cannot disagree about what is allowed. An implementation keeps the grants as its
/// desired state even when it cannot reach its device, and installs them when it can.
/// </summary>
public interface IEnforcementPoint
{
    /// <summary>Names the point in log lines ("switch", "edge").</summary>
    string Name { get; }

    /// <summary>Records the VM's grants as desired without reaching the device, before <see cref="StartAsync"/>: the
    /// first synchronisation then installs every VM's rules at once instead of emptying the device first.</summary>
    Task StageAsync(GrantSet grants, CancellationToken cancellationToken);

    /// <summary>Connects and installs everything staged; keeps the device in line in the background.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Makes the grants the VM's rules on the device.</summary>
    /// <returns>False when the device refused them; the previous rules stay and the next cycle tries again.</returns>
    Task<bool> EnforceAsync(GrantSet grants, CancellationToken cancellationToken);

    /// <summary>Removes every rule of the VM (it left the node or was deleted).</summary>
    Task WithdrawAsync(VmPort vm, CancellationToken cancellationToken);
}
