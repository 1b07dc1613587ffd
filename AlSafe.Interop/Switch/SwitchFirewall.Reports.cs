using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

public sealed partial class SwitchFirewall
{
    /// <summary>OFPMMFC_UNKNOWN_METER: a modify of a meter the switch does not have (yet, or any more).</summary>
    private const ushort UnknownMeter = 3;

    /// <summary>
    /// Packet-ins of reason "action" only, which is what the report flows send. Open vSwitch sends a connection of its
    /// management socket (a "service" connection) no asynchronous message at all until it sets its configuration;
    /// port status and flow removal stay off.
    /// </summary>
    private static readonly AsyncConfig ReportsOnly = new() { PacketIn = new AsyncMasks(1u << (int)PacketInReason.ApplyAction, 0) };

    /// <summary>Subscribes a new connection to reports and makes sure the report meter is there. Neither is needed to
    /// enforce anything, so a refusal is logged and the connection goes on: new connections then wait for their VM's
    /// next introspection, or reports reach the daemon without the switch's rate limit.</summary>
    private async Task SubscribeToReportsAsync(OpenFlowConnection connection, CancellationToken ct)
    {
        try
        {
            await connection.SetAsyncConfigAsync(ReportsOnly, ct).ConfigureAwait(false);
        }
        catch (OpenFlowErrorException e)
        {
            Log($"the switch refused to send packet-ins ({e.Error}): new connections wait for their VM's next introspection");
        }

        await EnsureReportMeterAsync(connection, ct).ConfigureAwait(false);
    }

    /// <summary>Sets the report meter's band, adding the meter when the switch lacks it (after a restart, or when
    /// someone deleted it); the plans name it whether or not it exists, so this never waits for the flows.</summary>
    private async Task EnsureReportMeterAsync(OpenFlowConnection connection, CancellationToken ct)
    {
        var meter = new MeterMod
        {
            Command = MeterModCommand.Modify,
            MeterId = FlowPlanner.ReportMeter,
            Flags = MeterFlags.PacketsPerSecond | MeterFlags.Burst | MeterFlags.Stats,
            Bands = [new MeterDropBand(_options.ReportRate, _options.ReportBurst)],
        };
        try
        {
            try
            {
                await connection.SendMeterModAsync(meter, ct).ConfigureAwait(false);
            }
            catch (OpenFlowErrorException e) when (e.Error is { Type: OpenFlowErrorType.MeterModFailed, Code: UnknownMeter })
            {
                await connection.SendMeterModAsync(meter with { Command = MeterModCommand.Add }, ct).ConfigureAwait(false);
                Log($"report meter {FlowPlanner.ReportMeter} installed: {_options.ReportRate} reports/s, bursts of {_options.ReportBurst}");
            }
        }
        catch (OpenFlowErrorException e)
        {
            Log($"the switch refused report meter {FlowPlanner.ReportMeter} ({e.Error}): reports of new connections reach the daemon " +
                "without the switch's rate limit");
        }
    }

    private void OnPacketIn(PacketIn packetIn)
    {
        if (!NewConnectionDecoder.TryDecode(packetIn, out var connection))
        {
            return;
        }

        try
        {
            NewConnectionSeen?.Invoke(this, connection);
        }
        catch (Exception e)
        {
            // A subscriber's bug must not end the task that watches the connection.
            Log($"a {nameof(NewConnectionSeen)} handler failed: {e}");
        }
    }
}
