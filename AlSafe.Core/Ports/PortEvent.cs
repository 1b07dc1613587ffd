namespace AlSafe.Core.Ports;

/// <summary>A change in which VM NICs sit behind which switch ports, as <see cref="PortInventory"/> derives it.</summary>
public abstract record PortEvent;
