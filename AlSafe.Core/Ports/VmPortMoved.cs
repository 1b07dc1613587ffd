namespace AlSafe.Core.Ports;

/// <summary>The same VM NIC is now bound differently: another interface, ofport or bridge (migrated in, re-plugged),
/// or another MAC. Its rules must move from <see cref="Old"/> to <see cref="New"/>.</summary>
public sealed record VmPortMoved(VmPortBinding Old, VmPortBinding New) : PortEvent;
