namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowConnection
{
    /// <summary>Adds, changes or deletes a meter; returns once the switch has processed it.</summary>
    /// <exception cref="OpenFlowErrorException">The switch refused it (OFPET_METER_MOD_FAILED: the meter exists
    /// already, is unknown, a band is bad).</exception>
    public Task SendMeterModAsync(MeterMod meterMod, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meterMod);
        return SendCheckedAsync(OpenFlowMessageType.MeterMod, (w, xid) => w.WriteMeterMod(Version, xid, meterMod), cancellationToken);
    }
}
