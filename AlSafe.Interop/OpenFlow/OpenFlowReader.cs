namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Decodes one complete OpenFlow message. The constructor checks the header against the bytes given; each Read*
/// method then decodes the body of one message type into the structured model. Every length inside the message is
/// checked against its container, so a hostile or broken peer produces an <see cref="OpenFlowException"/> with
/// <see cref="OpenFlowFailure.ProtocolViolation"/>, never an out-of-range access.
/// </summary>
public ref partial struct OpenFlowReader
{
    private WireCursor _body;

    /// <exception cref="OpenFlowException">The header is short, or its length is not the length of
    /// <paramref name="message"/>.</exception>
    public OpenFlowReader(ReadOnlySpan<byte> message)
    {
        Header = OpenFlowHeader.Read(message);
        if (Header.Length != message.Length)
        {
            throw OpenFlowException.Violation($"{OpenFlowNames.Message(Header.Type)} (xid 0x{Header.Xid:x}) declares " +
                                              $"{Header.Length} bytes but {message.Length} were given");
        }

        _body = new WireCursor(message[OpenFlowHeader.Size..], OpenFlowNames.Message(Header.Type));
    }

    public OpenFlowHeader Header { get; }

    /// <summary>The header's version as one this codec decodes bodies of; HELLO is the only message exempt.</summary>
    private readonly OpenFlowVersion BodyVersion => Header.Version is >= (byte)OpenFlowVersion.OpenFlow13 and <= (byte)OpenFlowVersion.OpenFlow15
        ? (OpenFlowVersion)Header.Version
        : throw new OpenFlowException(OpenFlowFailure.IncompatibleVersion,
            $"{OpenFlowNames.Message(Header.Type)} uses wire version 0x{Header.Version:x2}; only OpenFlow 1.3 to 1.5 are decoded");

    private readonly void Expect(OpenFlowMessageType type)
    {
        if (Header.Type != type)
        {
            throw new InvalidOperationException($"cannot decode {OpenFlowNames.Message(Header.Type)} as {OpenFlowNames.Message(type)}");
        }
    }
}
