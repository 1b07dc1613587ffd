namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_meter_flags: the unit of the bands' rates, and whether bursts and statistics apply.</summary>
[Flags]
public enum MeterFlags : ushort
{
    None = 0,
    KilobitsPerSecond = 1,
    PacketsPerSecond = 2,
    Burst = 4,
    Stats = 8,
}
