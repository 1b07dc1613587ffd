namespace AlSafe.Core.Ports;

/// <summary>
/// One interface of the node's Open vSwitch as its database describes it, before anything is concluded about a VM.
/// </summary>
/// <param name="InterfaceName">The Interface row's name, unique on the switch.</param>
/// <param name="Bridge">The bridge whose port holds the interface; null while no port references it.</param>
/// <param name="OfPort">The OpenFlow port number ovs-vswitchd assigned; null while none is assigned (empty or -1).</param>
/// <param name="ExternalIds">The row's external_ids, written by whoever plugged the interface (Nova, libvirt, us).</param>
/// <param name="MacInUse">mac_in_use: the host side's own MAC, not the VM's.</param>
/// <param name="Type">The interface type: "" for a system device, "internal", "patch" and so on.</param>
public sealed record SwitchPort(
    string InterfaceName,
    string? Bridge,
    int? OfPort,
    IReadOnlyDictionary<string, string> ExternalIds,
    string? MacInUse,
    string Type);
