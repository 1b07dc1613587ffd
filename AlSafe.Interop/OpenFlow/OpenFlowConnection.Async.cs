namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowConnection
{
    /// <summary>Injects a packet; returns once the switch has processed it.</summary>
    /// <exception cref="OpenFlowErrorException">The switch refused the packet-out.</exception>
    public Task SendPacketOutAsync(PacketOut packetOut, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(packetOut);
        return SendCheckedAsync(OpenFlowMessageType.PacketOut, (w, xid) => w.WritePacketOut(Version, xid, packetOut), cancellationToken);
    }

    /// <summary>Chooses which asynchronous messages the switch sends on this connection, in the form of the negotiated
    /// version. Open vSwitch sends a management connection no packet-ins until asked to.</summary>
    public Task SetAsyncConfigAsync(AsyncConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return SendCheckedAsync(OpenFlowMessageType.SetAsync, (w, xid) => w.WriteSetAsync(Version, xid, config), cancellationToken);
    }

    public async Task<AsyncConfig> GetAsyncConfigAsync(CancellationToken cancellationToken = default)
    {
        var replies = await RequestAsync(OpenFlowMessageType.GetAsyncRequest, OpenFlowMessageType.GetAsyncReply,
            (w, xid) => w.WriteGetAsyncRequest(Version, xid), _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return DecodeAsyncConfig(replies[0]);
    }

    private static AsyncConfig DecodeAsyncConfig(byte[] reply) => new OpenFlowReader(reply).ReadAsyncConfig();

    /// <summary>Sends one message that has no reply of its own, with a barrier to learn whether it was refused.</summary>
    private async Task SendCheckedAsync(OpenFlowMessageType type, Action<OpenFlowWriter, uint> encode, CancellationToken cancellationToken)
    {
        var watch = Watch(1);
        try
        {
            await SendWithBarrierAsync(OpenFlowNames.Message(type), w => encode(w, watch.First), cancellationToken).ConfigureAwait(false);
            if (FirstError(watch) is { } refused)
            {
                throw new OpenFlowErrorException($"the switch at {Endpoint} refused {OpenFlowNames.Message(type)}: {refused.Error}", refused.Error);
            }
        }
        finally
        {
            Unwatch(watch);
        }
    }
}
