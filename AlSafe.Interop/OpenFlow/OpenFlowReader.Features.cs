namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    public SwitchFeatures ReadFeaturesReply()
    {
        Expect(OpenFlowMessageType.FeaturesReply);
        _ = BodyVersion;
        var datapathId = _body.U64();
        var buffers = _body.U32();
        var tables = _body.U8();
        var auxiliaryId = _body.U8();
        _body.Skip(2);
        var capabilities = (SwitchCapabilities)_body.U32();
        _body.Skip(4);
        // OpenFlow 1.3 moved ports out of this reply; whatever follows is not ours to interpret.
        return new SwitchFeatures(datapathId, buffers, tables, auxiliaryId, capabilities);
    }
}
