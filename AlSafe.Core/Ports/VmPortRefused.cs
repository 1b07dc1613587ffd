namespace AlSafe.Core.Ports;

/// <summary>An interface claims a VM but is not bound: its ids are malformed, or another interface claims the same
/// VM NIC. Raised when the interface enters that state or its reason changes.</summary>
public sealed record VmPortRefused(string InterfaceName, string? Vm, string Reason) : PortEvent;
