using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>One flow of a flow statistics reply.</summary>
/// <param name="Flow">The flow as an add: table, priority, timeouts, the flags the switch keeps, importance, cookie,
/// match and instructions. It equals the <see cref="FlowMod"/> that installed it when that one was a plain add
/// without request-only flags (check_overlap, reset_counts).</param>
/// <param name="Duration">How long the flow has been installed.</param>
public sealed record FlowStatsEntry(FlowMod Flow, TimeSpan Duration, ulong PacketCount, ulong ByteCount)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"duration={Duration.TotalSeconds:0.000}s n_packets={PacketCount} n_bytes={ByteCount} ") +
        Flow.ToString()["add ".Length..];
}
