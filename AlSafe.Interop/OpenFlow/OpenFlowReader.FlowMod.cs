namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    public FlowMod ReadFlowMod()
    {
        Expect(OpenFlowMessageType.FlowMod);
        var version = BodyVersion;
        var cookie = _body.U64();
        var cookieMask = _body.U64();
        var table = _body.U8();
        var command = (FlowModCommand)_body.U8();
        var idle = _body.U16();
        var hard = _body.U16();
        var priority = _body.U16();
        var buffer = _body.U32();
        var outPort = _body.U32();
        var outGroup = _body.U32();
        var flags = (FlowModFlags)_body.U16();
        // 1.3 has padding where 1.4 put importance.
        var importance = _body.U16();
        return new FlowMod
        {
            Cookie = cookie,
            CookieMask = cookieMask,
            TableId = table,
            Command = command,
            IdleTimeout = idle,
            HardTimeout = hard,
            Priority = priority,
            BufferId = buffer,
            OutPort = outPort,
            OutGroup = outGroup,
            Flags = flags,
            Importance = version >= OpenFlowVersion.OpenFlow14 ? importance : (ushort)0,
            Match = ReadMatch(ref _body),
            Instructions = ReadInstructions(ref _body),
        };
    }
}
