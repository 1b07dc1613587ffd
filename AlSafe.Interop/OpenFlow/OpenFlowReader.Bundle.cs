namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    public BundleControlMessage ReadBundleControl()
    {
        Expect(OpenFlowMessageType.BundleControl);
        _ = BodyVersion;
        var bundleId = _body.U32();
        var type = (BundleControlType)_body.U16();
        var flags = (BundleFlags)_body.U16();
        // Bundle properties (scheduled commit time in 1.5) may follow; this client sets none and needs none back.
        return new BundleControlMessage(bundleId, type, flags);
    }

    public BundleAddMessage ReadBundleAdd()
    {
        Expect(OpenFlowMessageType.BundleAddMessage);
        _ = BodyVersion;
        var bundleId = _body.U32();
        _body.Skip(2);
        var flags = (BundleFlags)_body.U16();
        var inner = OpenFlowHeader.Read(_body.Rest);
        if (inner.Xid != Header.Xid || inner.Version != Header.Version)
        {
            throw OpenFlowException.Violation($"OFPT_BUNDLE_ADD_MESSAGE (xid 0x{Header.Xid:x}, version 0x{Header.Version:x2}) wraps " +
                                              $"a message with xid 0x{inner.Xid:x}, version 0x{inner.Version:x2}; both must be equal");
        }

        var message = _body.Bytes(inner.Length);
        return new BundleAddMessage(bundleId, flags, inner,
            inner.Type == OpenFlowMessageType.FlowMod ? new OpenFlowReader(message).ReadFlowMod() : null);
    }
}
