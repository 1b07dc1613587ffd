namespace AlSafe.Interop.OpenFlow;

/// <summary>The spec's names for message types, for messages a network engineer can grep for.</summary>
internal static class OpenFlowNames
{
    private static readonly string[] Messages =
    [
        "OFPT_HELLO", "OFPT_ERROR", "OFPT_ECHO_REQUEST", "OFPT_ECHO_REPLY", "OFPT_EXPERIMENTER", "OFPT_FEATURES_REQUEST",
        "OFPT_FEATURES_REPLY", "OFPT_GET_CONFIG_REQUEST", "OFPT_GET_CONFIG_REPLY", "OFPT_SET_CONFIG", "OFPT_PACKET_IN",
        "OFPT_FLOW_REMOVED", "OFPT_PORT_STATUS", "OFPT_PACKET_OUT", "OFPT_FLOW_MOD", "OFPT_GROUP_MOD", "OFPT_PORT_MOD",
        "OFPT_TABLE_MOD", "OFPT_MULTIPART_REQUEST", "OFPT_MULTIPART_REPLY", "OFPT_BARRIER_REQUEST", "OFPT_BARRIER_REPLY",
        "OFPT_QUEUE_GET_CONFIG_REQUEST", "OFPT_QUEUE_GET_CONFIG_REPLY", "OFPT_ROLE_REQUEST", "OFPT_ROLE_REPLY",
        "OFPT_GET_ASYNC_REQUEST", "OFPT_GET_ASYNC_REPLY", "OFPT_SET_ASYNC", "OFPT_METER_MOD", "OFPT_ROLE_STATUS",
        "OFPT_TABLE_STATUS", "OFPT_REQUESTFORWARD", "OFPT_BUNDLE_CONTROL", "OFPT_BUNDLE_ADD_MESSAGE", "OFPT_CONTROLLER_STATUS",
    ];

    public static string Message(OpenFlowMessageType type) =>
        (int)type < Messages.Length ? Messages[(int)type] : $"OFPT_{(byte)type}";

    public static string Version(OpenFlowVersion version) => Version((byte)version);

    public static string Version(byte wire) => wire is >= 1 and <= 6 ? $"OpenFlow 1.{wire - 1}" : $"OpenFlow wire version 0x{wire:x2}";
}
