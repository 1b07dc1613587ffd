namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_error_type (OpenFlow 1.3 to 1.5).</summary>
public enum OpenFlowErrorType : ushort
{
    HelloFailed = 0,
    BadRequest = 1,
    BadAction = 2,
    BadInstruction = 3,
    BadMatch = 4,
    FlowModFailed = 5,
    GroupModFailed = 6,
    PortModFailed = 7,
    TableModFailed = 8,
    QueueOpFailed = 9,
    SwitchConfigFailed = 10,
    RoleRequestFailed = 11,
    MeterModFailed = 12,
    TableFeaturesFailed = 13,

    /// <summary>OpenFlow 1.4+.</summary>
    BadProperty = 14,

    /// <summary>OpenFlow 1.4+.</summary>
    AsyncConfigFailed = 15,

    /// <summary>OpenFlow 1.4+.</summary>
    FlowMonitorFailed = 16,

    /// <summary>OpenFlow 1.4+.</summary>
    BundleFailed = 17,

    /// <summary>An extension's error: the code is the experimenter's, qualified by
    /// <see cref="OpenFlowError.Experimenter"/>.</summary>
    Experimenter = 0xffff,
}
