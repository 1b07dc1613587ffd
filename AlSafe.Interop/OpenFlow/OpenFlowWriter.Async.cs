namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>OFPT_SET_ASYNC in the form of <paramref name="version"/>: three pairs of masks on 1.3, one
    /// property per mask from 1.4 on.</summary>
    /// <exception cref="ArgumentException">A 1.4-only kind is set for a 1.3 connection.</exception>
    public void WriteSetAsync(OpenFlowVersion version, uint xid, AsyncConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (version < OpenFlowVersion.OpenFlow14 && (config.RoleStatus ?? config.TableStatus ?? config.RequestForward) is not null)
        {
            throw new ArgumentException("role status, table status and request-forward masks need OpenFlow 1.4 or later", nameof(config));
        }

        var start = BeginMessage(version, OpenFlowMessageType.SetAsync, xid);
        if (version < OpenFlowVersion.OpenFlow14)
        {
            U32(config.PacketIn.Primary);
            U32(config.PacketIn.Secondary);
            U32(config.PortStatus.Primary);
            U32(config.PortStatus.Secondary);
            U32(config.FlowRemoved.Primary);
            U32(config.FlowRemoved.Secondary);
        }
        else
        {
            WriteAsyncProperties(AsyncPropertyPacketIn, config.PacketIn);
            WriteAsyncProperties(AsyncPropertyPortStatus, config.PortStatus);
            WriteAsyncProperties(AsyncPropertyFlowRemoved, config.FlowRemoved);
            WriteAsyncProperties(AsyncPropertyRoleStatus, config.RoleStatus);
            WriteAsyncProperties(AsyncPropertyTableStatus, config.TableStatus);
            WriteAsyncProperties(AsyncPropertyRequestForward, config.RequestForward);
        }

        EndMessage(start);
    }

    public void WriteGetAsyncRequest(OpenFlowVersion version, uint xid) =>
        EndMessage(BeginMessage(version, OpenFlowMessageType.GetAsyncRequest, xid));

    // ofp_async_config_prop_type: the slave-role property of a kind, and the master-role one right after it.
    private const ushort AsyncPropertyPacketIn = 0;
    private const ushort AsyncPropertyPortStatus = 2;
    private const ushort AsyncPropertyFlowRemoved = 4;
    private const ushort AsyncPropertyRoleStatus = 6;
    private const ushort AsyncPropertyTableStatus = 8;
    private const ushort AsyncPropertyRequestForward = 10;

    private void WriteAsyncProperties(ushort secondaryType, AsyncMasks? masks)
    {
        if (masks is not { } m)
        {
            return;
        }

        U16(secondaryType);
        U16(8);
        U32(m.Secondary);
        U16((ushort)(secondaryType + 1));
        U16(8);
        U32(m.Primary);
    }
}
