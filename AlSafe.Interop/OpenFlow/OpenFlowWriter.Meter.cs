namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    private const ushort MeterBandDrop = 1;
    private const ushort MeterBandLength = 16;

    /// <summary>OFPT_METER_MOD: command, flags, meter id, then one 16-byte band each.</summary>
    public void WriteMeterMod(OpenFlowVersion version, uint xid, MeterMod meterMod)
    {
        ArgumentNullException.ThrowIfNull(meterMod);
        var start = BeginMessage(version, OpenFlowMessageType.MeterMod, xid);
        U16((ushort)meterMod.Command);
        U16((ushort)meterMod.Flags);
        U32(meterMod.MeterId);
        foreach (var band in meterMod.Bands)
        {
            U16(MeterBandDrop);
            U16(MeterBandLength);
            U32(band.Rate);
            U32(band.BurstSize);
            Zeros(4);
        }

        EndMessage(start);
    }
}
