namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_bundle_ctrl_type: each request is answered by the reply one above it, or by an error.</summary>
public enum BundleControlType : ushort
{
    OpenRequest = 0,
    OpenReply = 1,
    CloseRequest = 2,
    CloseReply = 3,
    CommitRequest = 4,
    CommitReply = 5,
    DiscardRequest = 6,
    DiscardReply = 7,
}
