namespace AlSafe.Interop.OpenFlow;

/// <summary>One asynchronous message kind's reason bitmaps: bit n enables reason n.</summary>
/// <param name="Primary">For a connection in the master or equal role (Open vSwitch's management socket is equal).</param>
/// <param name="Secondary">For a connection in the slave role.</param>
public readonly record struct AsyncMasks(uint Primary, uint Secondary)
{
    public static AsyncMasks None => default;

    /// <summary>Every reason, in either role.</summary>
    public static AsyncMasks All => new(uint.MaxValue, uint.MaxValue);
}
