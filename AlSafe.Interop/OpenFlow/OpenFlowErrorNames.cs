using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>The spec's (and Open vSwitch's) symbolic names of error types and codes, so an error reads as
/// OFPBIC_BAD_TABLE_ID rather than (3,2).</summary>
internal static class OpenFlowErrorNames
{
    private static readonly (string Type, string Prefix, string[] Codes)[] Standard =
    [
        ("OFPET_HELLO_FAILED", "OFPHFC", ["INCOMPATIBLE", "EPERM"]),
        ("OFPET_BAD_REQUEST", "OFPBRC", [
            "BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "EPERM", "BAD_LEN",
            "BUFFER_EMPTY", "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT", "BAD_PACKET",
            "MULTIPART_BUFFER_OVERFLOW", "MULTIPART_REQUEST_TIMEOUT", "MULTIPART_REPLY_TIMEOUT", "MULTIPART_BAD_SCHED",
            "PIPELINE_FIELDS_ONLY", "UNKNOWN",
        ]),
        ("OFPET_BAD_ACTION", "OFPBAC", [
            "BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM", "TOO_MANY",
            "BAD_QUEUE", "BAD_OUT_GROUP", "MATCH_INCONSISTENT", "UNSUPPORTED_ORDER", "BAD_TAG", "BAD_SET_TYPE",
            "BAD_SET_LEN", "BAD_SET_ARGUMENT", "BAD_SET_MASK", "BAD_METER",
        ]),
        ("OFPET_BAD_INSTRUCTION", "OFPBIC", [
            "UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA", "UNSUP_METADATA_MASK", "BAD_EXPERIMENTER",
            "BAD_EXP_TYPE", "BAD_LEN", "EPERM", "DUP_INST",
        ]),
        ("OFPET_BAD_MATCH", "OFPBMC", [
            "BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK", "BAD_NW_ADDR_MASK", "BAD_WILDCARDS", "BAD_FIELD",
            "BAD_VALUE", "BAD_MASK", "BAD_PREREQ", "DUP_FIELD", "EPERM",
        ]),
        ("OFPET_FLOW_MOD_FAILED", "OFPFMFC", [
            "UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT", "BAD_COMMAND", "BAD_FLAGS",
            "CANT_SYNC", "BAD_PRIORITY", "IS_SYNC",
        ]),
        ("OFPET_GROUP_MOD_FAILED", "OFPGMFC", [
            "GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED", "OUT_OF_GROUPS", "OUT_OF_BUCKETS", "CHAINING_UNSUPPORTED",
            "WATCH_UNSUPPORTED", "LOOP", "UNKNOWN_GROUP", "CHAINED_GROUP", "BAD_TYPE", "BAD_COMMAND", "BAD_BUCKET",
            "BAD_WATCH", "EPERM", "UNKNOWN_BUCKET", "BUCKET_EXISTS",
        ]),
        ("OFPET_PORT_MOD_FAILED", "OFPPMFC", ["BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE", "EPERM"]),
        ("OFPET_TABLE_MOD_FAILED", "OFPTMFC", ["BAD_TABLE", "BAD_CONFIG", "EPERM"]),
        ("OFPET_QUEUE_OP_FAILED", "OFPQOFC", ["BAD_PORT", "BAD_QUEUE", "EPERM"]),
        ("OFPET_SWITCH_CONFIG_FAILED", "OFPSCFC", ["BAD_FLAGS", "BAD_LEN", "EPERM"]),
        ("OFPET_ROLE_REQUEST_FAILED", "OFPRRFC", ["STALE", "UNSUP", "BAD_ROLE", "ID_UNSUP", "ID_IN_USE"]),
        ("OFPET_METER_MOD_FAILED", "OFPMMFC", [
            "UNKNOWN", "METER_EXISTS", "INVALID_METER", "UNKNOWN_METER", "BAD_COMMAND", "BAD_FLAGS", "BAD_RATE",
            "BAD_BURST", "BAD_BAND", "BAD_BAND_VALUE", "OUT_OF_METERS", "OUT_OF_BANDS",
        ]),
        // Codes 2-4 are the 1.3 names; 1.4 moved those errors to OFPET_BAD_PROPERTY.
        ("OFPET_TABLE_FEATURES_FAILED", "OFPTFFC", ["BAD_TABLE", "BAD_METADATA", "BAD_TYPE", "BAD_LEN", "BAD_ARGUMENT", "EPERM"]),
        ("OFPET_BAD_PROPERTY", "OFPBPC", [
            "BAD_TYPE", "BAD_LEN", "BAD_VALUE", "TOO_MANY", "DUP_TYPE", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_EXP_VALUE",
            "EPERM",
        ]),
        ("OFPET_ASYNC_CONFIG_FAILED", "OFPACFC", ["INVALID", "UNSUPPORTED", "EPERM"]),
        ("OFPET_FLOW_MONITOR_FAILED", "OFPMOFC", [
            "UNKNOWN", "MONITOR_EXISTS", "INVALID_MONITOR", "UNKNOWN_MONITOR", "BAD_COMMAND", "BAD_FLAGS", "BAD_TABLE_ID",
            "BAD_OUT",
        ]),
        ("OFPET_BUNDLE_FAILED", "OFPBFC", [
            "UNKNOWN", "EPERM", "BAD_ID", "BUNDLE_EXIST", "BUNDLE_CLOSED", "OUT_OF_BUNDLES", "BAD_TYPE", "BAD_FLAGS",
            "MSG_BAD_LEN", "MSG_BAD_XID", "MSG_UNSUP", "MSG_CONFLICT", "MSG_TOO_MANY", "MSG_FAILED", "TIMEOUT",
            "BUNDLE_IN_PROGRESS", "SCHED_NOT_SUPPORTED", "SCHED_FUTURE", "SCHED_PAST",
        ]),
    ];

    /// <summary>Open vSwitch's Nicira error codes as sent in OpenFlow 1.2+ experimenter errors.</summary>
    private static readonly Dictionary<ushort, string> Nicira = new()
    {
        [2] = "NXBRC_NXM_INVALID", [3] = "NXBRC_NXM_BAD_TYPE", [4] = "NXBRC_MUST_BE_ZERO", [5] = "NXBRC_BAD_REASON",
        [6] = "NXBRC_FM_DUPLICATE_ID", [7] = "NXBRC_FM_BAD_FLAGS", [8] = "NXBRC_FM_BAD_ID", [9] = "NXBRC_FM_BAD_EVENT",
        [10] = "NXBRC_UNENCODABLE_ERROR", [11] = "NXBAC_MUST_BE_ZERO", [12] = "NXFMFC_HARDWARE", [13] = "NXFMFC_BAD_TABLE_ID",
        [15] = "NXBAC_BAD_CONJUNCTION", [16] = "NXTTMFC_BAD_COMMAND", [17] = "NXTTMFC_BAD_OPT_LEN",
        [18] = "NXTTMFC_BAD_FIELD_IDX", [19] = "NXTTMFC_TABLE_FULL", [20] = "NXTTMFC_ALREADY_MAPPED", [21] = "NXTTMFC_DUP_ENTRY",
        [22] = "OFPBFC_BAD_VERSION", [23] = "NXQOFC_QUEUE_ERROR", [25] = "OFPBPC_BAD_TYPE", [26] = "OFPBPC_BAD_LEN",
        [27] = "OFPBPC_BAD_VALUE", [28] = "OFPBPC_TOO_MANY", [29] = "OFPBPC_DUP_TYPE", [30] = "OFPBPC_BAD_EXPERIMENTER",
        [31] = "OFPBPC_BAD_EXP_TYPE", [32] = "OFPBPC_BAD_EXP_VALUE", [33] = "OFPBPC_EPERM", [34] = "NXR_NOT_SUPPORTED",
        [35] = "NXR_STALE", [36] = "NXST_NOT_CONFIGURED",
    };

    /// <summary>The ONF extension codes: bundles on OpenFlow 1.3 (2300-2315) and errors added before their
    /// standard codes existed.</summary>
    private static readonly Dictionary<ushort, string> Onf = BuildOnf();

    public static string TypeName(OpenFlowErrorType type) => type == OpenFlowErrorType.Experimenter
        ? "OFPET_EXPERIMENTER"
        : (int)type < Standard.Length ? Standard[(int)type].Type : string.Create(CultureInfo.InvariantCulture, $"OFPET_{(ushort)type}");

    public static string CodeName(OpenFlowErrorType type, ushort code, uint experimenter)
    {
        if (type == OpenFlowErrorType.Experimenter)
        {
            var table = experimenter switch
            {
                ExperimenterIds.Nicira => Nicira,
                ExperimenterIds.Onf => Onf,
                _ => null,
            };
            return table is not null && table.TryGetValue(code, out var name)
                ? name
                : string.Create(CultureInfo.InvariantCulture, $"experimenter 0x{experimenter:x8} code {code}");
        }

        if ((int)type < Standard.Length)
        {
            var (_, prefix, codes) = Standard[(int)type];
            return code < codes.Length ? $"{prefix}_{codes[code]}" : string.Create(CultureInfo.InvariantCulture, $"{prefix}_{code}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"code {code}");
    }

    private static Dictionary<ushort, string> BuildOnf()
    {
        var onf = new Dictionary<ushort, string>
        {
            [2600] = "OFPBIC_DUP_INST",
            [4250] = "OFPBAC_BAD_SET_MASK",
            [4443] = "OFPBPC_TOO_MANY",
            [4444] = "OFPBPC_DUP_TYPE",
            [4445] = "OFPBPC_BAD_EXPERIMENTER",
            [4446] = "OFPBPC_BAD_EXP_TYPE",
            [4447] = "OFPBPC_BAD_EXP_VALUE",
            [4448] = "OFPBPC_EPERM",
        };
        var bundle = Standard[(int)OpenFlowErrorType.BundleFailed].Codes;
        for (var i = 0; i < 16; i++)
        {
            onf[(ushort)(2300 + i)] = "ONFBFC_" + bundle[i];
        }

        return onf;
    }
}
