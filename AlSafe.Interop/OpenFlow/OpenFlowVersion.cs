namespace AlSafe.Interop.OpenFlow;

/// <summary>The OpenFlow wire versions this client speaks: 1.3 is the oldest with OXM matches, multipart requests
/// and per-connection async configuration, which the firewall relies on.</summary>
public enum OpenFlowVersion : byte
{
    OpenFlow13 = 0x04,
    OpenFlow14 = 0x05,
    OpenFlow15 = 0x06,
}
