namespace AlSafe.Core.Ports;

/// <summary>A VM NIC is now bound to a port: its rules may be installed there.</summary>
public sealed record VmPortAdded(VmPortBinding Binding) : PortEvent;
