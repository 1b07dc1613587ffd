namespace AlSafe.Core.Ports;

/// <summary>A VM NIC is no longer bound to its port (unplugged, re-identified, or now in conflict): its rules there
/// must go.</summary>
public sealed record VmPortRemoved(VmPortBinding Binding) : PortEvent;
