using AlSafe.Core.Rules;

namespace AlSafe.Core.Ports;

/// <summary>What an interface's external_ids say about the VM behind it, before the inventory weighs it against the
/// other interfaces.</summary>
/// <param name="Vm">The VM's name; null when the ids that name it are malformed.</param>
/// <param name="Nic">The NIC identity within the VM (see <see cref="VmPortBinding.Nic"/>).</param>
/// <param name="Problem">Why the interface cannot be bound whatever the others say; null when it can be.</param>
public sealed record VmPortClaim(
    SwitchPort Port,
    string? Vm,
    string Nic,
    MacAddress? Mac,
    Guid? VmUuid,
    string? IfaceId,
    string? Problem)
{
    /// <summary>The binding this claim asks for, once the switch has assigned the port a usable number.</summary>
    public VmPortBinding? ToBinding() =>
        Problem is null && Vm is not null && Port.OfPort is { } ofPort
            ? new VmPortBinding(Vm, Nic, Port.InterfaceName, Port.Bridge, (uint)ofPort, Mac, VmUuid, IfaceId)
            : null;
}
