namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    public PacketOut ReadPacketOut()
    {
        Expect(OpenFlowMessageType.PacketOut);
        var version = BodyVersion;
        var bufferId = _body.U32();
        uint inPort;
        int actionsLength;
        if (version >= OpenFlowVersion.OpenFlow15)
        {
            actionsLength = _body.U16();
            _body.Skip(2);
            var match = ReadMatch(ref _body);
            inPort = match.InPort ?? throw OpenFlowException.Violation("OpenFlow 1.5 OFPT_PACKET_OUT has no in_port in its match");
        }
        else
        {
            inPort = _body.U32();
            actionsLength = _body.U16();
            _body.Skip(6);
        }

        var actions = _body.Slice(actionsLength, "OFPT_PACKET_OUT actions");
        return new PacketOut
        {
            BufferId = bufferId,
            InPort = inPort,
            Actions = ReadActions(ref actions, 0),
            Data = _body.Rest.ToArray(),
        };
    }
}
