namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_bundle_flags.</summary>
[Flags]
public enum BundleFlags : ushort
{
    None = 0,

    /// <summary>All or nothing: if one message fails, none of the bundle is applied.</summary>
    Atomic = 1,

    /// <summary>Apply the messages in the order they were added.</summary>
    Ordered = 2,
}
