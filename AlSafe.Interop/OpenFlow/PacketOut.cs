namespace AlSafe.Interop.OpenFlow;

/// <summary>An OFPT_PACKET_OUT: a packet the controller injects, with the actions to apply to it.</summary>
public sealed record PacketOut
{
    private readonly IReadOnlyList<OpenFlowAction> _actions = [];

    public uint BufferId { get; init; } = OpenFlowBuffer.None;

    /// <summary>The port the packet is treated as arriving on; <see cref="OpenFlowPort.Controller"/> when it
    /// comes from nowhere on the switch.</summary>
    public uint InPort { get; init; } = OpenFlowPort.Controller;

    public IReadOnlyList<OpenFlowAction> Actions
    {
        get => _actions;
        init => _actions = [.. value ?? throw new ArgumentNullException(nameof(value))];
    }

    /// <summary>The Ethernet frame, when <see cref="BufferId"/> is none.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    public bool Equals(PacketOut? other) =>
        other is not null && BufferId == other.BufferId && InPort == other.InPort && Actions.SequenceEqual(other.Actions) &&
        Data.Span.SequenceEqual(other.Data.Span);

    public override int GetHashCode() => HashCode.Combine(BufferId, InPort, Actions.Count, Data.Length);
}
