namespace AlSafe.Interop.OpenFlow;

/// <summary>Switch packet buffers.</summary>
public static class OpenFlowBuffer
{
    /// <summary>The packet is not buffered on the switch (OFP_NO_BUFFER); Open vSwitch never buffers.</summary>
    public const uint None = 0xffffffff;
}
