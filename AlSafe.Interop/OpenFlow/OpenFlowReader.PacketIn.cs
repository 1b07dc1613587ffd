namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    /// <summary>Decodes OFPT_PACKET_IN (the same layout in 1.3 to 1.5). The packet bytes are copied out, so the
    /// result outlives the receive buffer.</summary>
    public PacketIn ReadPacketIn()
    {
        Expect(OpenFlowMessageType.PacketIn);
        _ = BodyVersion;
        var bufferId = _body.U32();
        var totalLength = _body.U16();
        var reason = (PacketInReason)_body.U8();
        var table = _body.U8();
        var cookie = _body.U64();
        var match = ReadMatch(ref _body);
        _body.Skip(2);
        return new PacketIn(bufferId, totalLength, reason, table, cookie, match, _body.Rest.ToArray());
    }
}
