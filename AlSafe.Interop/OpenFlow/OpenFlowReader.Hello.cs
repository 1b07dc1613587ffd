namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    /// <summary>Decodes OFPT_HELLO in any version: it is the one message whose version is not yet agreed.</summary>
    public HelloMessage ReadHello()
    {
        Expect(OpenFlowMessageType.Hello);
        var bitmap = new List<uint>();
        // Elements need 4 bytes of header; anything shorter at the end is slack a pre-1.3.1 peer may leave.
        while (_body.Remaining >= 4)
        {
            var start = _body.Position;
            var type = _body.U16();
            var length = _body.U16();
            if (length < 4)
            {
                throw OpenFlowException.Violation($"OFPT_HELLO element {type} declares length {length}, shorter than its header");
            }

            var element = _body.Slice(length - 4, "OFPT_HELLO element");
            if (type == HelloElementVersionBitmap)
            {
                if (element.Remaining % 4 != 0)
                {
                    throw OpenFlowException.Violation($"OFPT_HELLO version bitmap of {element.Remaining} bytes is not whole 32-bit words");
                }

                while (!element.IsEmpty)
                {
                    bitmap.Add(element.U32());
                }
            }

            // Lenient here alone: a HELLO must be understood to refuse a peer politely, so missing final padding is
            // forgiven.
            _body.Skip(Math.Min(WireCursor.Pad8(_body.Position - start), _body.Remaining));
        }

        return new HelloMessage(Header.Version, bitmap);
    }

    private const ushort HelloElementVersionBitmap = 1;
}
