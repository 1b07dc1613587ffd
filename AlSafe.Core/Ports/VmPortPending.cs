namespace AlSafe.Core.Ports;

/// <summary>An interface names a VM but ovs-vswitchd has not given it an ofport yet (or gave -1: it could not open the
/// device). Nothing is bound until an update assigns one.</summary>
public sealed record VmPortPending(string InterfaceName, string Vm) : PortEvent;
