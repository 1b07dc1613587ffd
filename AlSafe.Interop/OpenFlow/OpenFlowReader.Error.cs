namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    /// <summary>Decodes OFPT_ERROR in any version: a switch may refuse the HELLO itself in a version we do not speak.</summary>
    public OpenFlowError ReadError()
    {
        Expect(OpenFlowMessageType.Error);
        var type = (OpenFlowErrorType)_body.U16();
        var code = _body.U16();
        var experimenter = type == OpenFlowErrorType.Experimenter ? _body.U32() : 0;
        return new OpenFlowError(Header.Xid, type, code, experimenter, _body.Rest);
    }
}
