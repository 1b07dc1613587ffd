namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    /// <summary>Decodes the body of OFPT_SET_ASYNC or OFPT_GET_ASYNC_REPLY in the form of the header's version.</summary>
    public AsyncConfig ReadAsyncConfig()
    {
        if (Header.Type is not (OpenFlowMessageType.SetAsync or OpenFlowMessageType.GetAsyncReply))
        {
            Expect(OpenFlowMessageType.GetAsyncReply);
        }

        if (BodyVersion < OpenFlowVersion.OpenFlow14)
        {
            var packetIn = new AsyncMasks(_body.U32(), _body.U32());
            var portStatus = new AsyncMasks(_body.U32(), _body.U32());
            var flowRemoved = new AsyncMasks(_body.U32(), _body.U32());
            return new AsyncConfig { PacketIn = packetIn, PortStatus = portStatus, FlowRemoved = flowRemoved };
        }

        // Index = property type: even types are the slave-role mask, odd the master-role one.
        Span<uint> masks = stackalloc uint[12];
        var seen = 0;
        while (!_body.IsEmpty)
        {
            var start = _body.Position;
            var type = _body.U16();
            var length = _body.U16();
            if (length < 4)
            {
                throw OpenFlowException.Violation($"async config property {type} has length {length}, shorter than its header");
            }

            var property = _body.Slice(length - 4, "async config property");
            _body.SkipPaddingFrom(start);
            // 1.5 kinds and experimenter properties are not modelled; their length is all that is needed to skip them.
            if (type < masks.Length)
            {
                if (property.Remaining != 4)
                {
                    throw OpenFlowException.Violation($"async config property {type} has length {length}, not 8");
                }

                masks[type] = property.U32();
                seen |= 1 << type;
            }
        }

        return new AsyncConfig
        {
            PacketIn = new AsyncMasks(masks[1], masks[0]),
            PortStatus = new AsyncMasks(masks[3], masks[2]),
            FlowRemoved = new AsyncMasks(masks[5], masks[4]),
            RoleStatus = (seen & 0xc0) != 0 ? new AsyncMasks(masks[7], masks[6]) : null,
            TableStatus = (seen & 0x300) != 0 ? new AsyncMasks(masks[9], masks[8]) : null,
            RequestForward = (seen & 0xc00) != 0 ? new AsyncMasks(masks[11], masks[10]) : null,
        };
    }
}
