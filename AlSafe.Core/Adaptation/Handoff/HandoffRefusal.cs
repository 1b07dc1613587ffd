namespace AlSafe.Core.Adaptation.Handoff;

/// <summary>Why a hand-off step was refused.</summary>
public enum HandoffRefusal
{
    /// <summary>No VM of that name on this node.</summary>
    UnknownVm,

    /// <summary>The VM has never been read successfully here (nor imported): there is no valid state to send.</summary>
    NoValidState,

    /// <summary>Release or resume of a VM that is not exported.</summary>
    NotExported,

    /// <summary>No [migration] section, or its key cannot be used.</summary>
    NoKey,

    /// <summary>The file is not a hand-off: not JSON, a field missing or out of range.</summary>
    Malformed,

    /// <summary>A hand-off format this version does not read.</summary>
    UnsupportedVersion,

    /// <summary>The MAC does not match the payload: tampered, or sealed with another key.</summary>
    IntegrityFailed,

    /// <summary>Exported longer ago than max_age (or dated in the future beyond clock skew).</summary>
    TooOld,

    /// <summary>This node has no descriptor of the VM (vms.d/VM.conf).</summary>
    NoDescriptor,

    /// <summary>The destination's descriptor names another tenant or other addresses than the hand-off.</summary>
    DescriptorMismatch,

    /// <summary>The VM is introspected on this node already, or a hand-off as recent was imported before.</summary>
    Conflict,
}
