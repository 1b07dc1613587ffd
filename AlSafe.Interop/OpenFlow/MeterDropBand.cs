namespace AlSafe.Interop.OpenFlow;

/// <summary>A meter band of type drop (OFPMBT_DROP): what exceeds <paramref name="Rate"/> is dropped, after a burst
/// of <paramref name="BurstSize"/>, both in the meter's unit.</summary>
public sealed record MeterDropBand(uint Rate, uint BurstSize);
