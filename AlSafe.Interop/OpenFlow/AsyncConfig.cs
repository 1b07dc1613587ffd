namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Which asynchronous messages (and for which reasons) the switch sends on this connection: the body of SET_ASYNC and
/// GET_ASYNC_REPLY. OpenFlow 1.3 has three fixed pairs of masks; 1.4 turned them into properties and added more
/// kinds, which are null here when not set or not reported.
/// </summary>
public sealed record AsyncConfig
{
    /// <summary>Bits are <see cref="PacketInReason"/> values.</summary>
    public AsyncMasks PacketIn { get; init; }

    /// <summary>Bits: 0 port added, 1 deleted, 2 modified.</summary>
    public AsyncMasks PortStatus { get; init; }

    /// <summary>Bits: 0 idle timeout, 1 hard timeout, 2 deleted, 3 group deleted, 4 meter deleted, 5 evicted.</summary>
    public AsyncMasks FlowRemoved { get; init; }

    /// <summary>OpenFlow 1.4+.</summary>
    public AsyncMasks? RoleStatus { get; init; }

    /// <summary>OpenFlow 1.4+.</summary>
    public AsyncMasks? TableStatus { get; init; }

    /// <summary>OpenFlow 1.4+.</summary>
    public AsyncMasks? RequestForward { get; init; }
}
