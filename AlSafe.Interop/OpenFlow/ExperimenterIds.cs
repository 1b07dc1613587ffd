namespace AlSafe.Interop.OpenFlow;

/// <summary>Experimenter (vendor) ids and the Nicira action subtypes this codec encodes.</summary>
internal static class ExperimenterIds
{
    /// <summary>Nicira, the Open vSwitch extensions (NX_VENDOR_ID).</summary>
    public const uint Nicira = 0x00002320;

    /// <summary>The Open Networking Foundation's extensions ("ONF\0").</summary>
    public const uint Onf = 0x4f4e4600;

    public const ushort NiciraResubmitTable = 14;

    public const ushort NiciraConntrack = 35;

    public const ushort NiciraController2 = 37;
}
