namespace AlSafe.Core.Whitelist;

/// <summary>Which side opens the connection: the guest process serves (<see cref="In"/>) or connects (<see cref="Out"/>).</summary>
public enum TrafficDirection : byte
{
    In = 1,
    Out = 2,
}
