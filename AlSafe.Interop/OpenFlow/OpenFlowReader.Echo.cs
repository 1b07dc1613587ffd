namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    /// <summary>The arbitrary payload of an ECHO_REQUEST or ECHO_REPLY; it is a view into the message.</summary>
    public ReadOnlySpan<byte> ReadEchoData()
    {
        if (Header.Type is not (OpenFlowMessageType.EchoRequest or OpenFlowMessageType.EchoReply))
        {
            Expect(OpenFlowMessageType.EchoRequest);
        }

        return _body.Bytes(_body.Remaining);
    }
}
