using AlSafe.Core.Rules;

namespace AlSafe.Core.Ports;

/// <summary>A VM's NIC bound to a switch port: where its traffic enters the switch and the MAC it must send from.</summary>
/// <param name="Vm">The VM's name: alsafe-vm, or what vm-uuid resolved to.</param>
/// <param name="Nic">Which NIC of the VM this is: iface-id, else attached-mac, else "" (see <see cref="VmPortResolver"/>).</param>
/// <param name="OfPort">The OpenFlow port number, always assigned (1 to <see cref="VmPortResolver.MaxOfPort"/>).</param>
/// <param name="Mac">attached-mac, else mac_in_use; null when the database gives neither.</param>
/// <param name="VmUuid">Nova's instance UUID (vm-uuid), when the interface carries one.</param>
/// <param name="IfaceId">Neutron's port id (iface-id), kept so that logs can name the port the cloud knows.</param>
public sealed record VmPortBinding(
    string Vm,
    string Nic,
    string InterfaceName,
    string? Bridge,
    uint OfPort,
    MacAddress? Mac,
    Guid? VmUuid,
    string? IfaceId)
{
    public override string ToString() =>
        $"VM {Vm} NIC '{Nic}' on {InterfaceName} (bridge {Bridge ?? "none"}, ofport {OfPort}, mac {Mac?.ToString() ?? "none"})";
}
